using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace ImageRec.WebTier.Auth;

/// <summary>Sign-in for the web tier: <c>AddImageRecAuth</c> on the services, <c>UseImageRecAuth</c> on the pipeline.</summary>
public static class AuthSetup
{
    /// <summary>
    /// Registers the authentication scheme <c>Auth:Mode</c> asks for. Throws when the settings cannot work
    /// (no mode, no authority...), so a misconfigured web tier refuses to start instead of running open.
    /// </summary>
    public static IServiceCollection AddImageRecAuth(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(AuthOptions.Section);
        var options = section.Get<AuthOptions>() ?? new AuthOptions();
        if (options.Problems() is { Count: > 0 } problems)
            throw new InvalidOperationException("Sign-in is not configured: " + string.Join(" ", problems));
        services.Configure<AuthOptions>(section);
        services.AddAuthorization();

        if (options.ParsedMode == AuthMode.None)
        {
            services.AddAuthentication(AnonymousCallerHandler.SchemeName)
                .AddScheme<AuthenticationSchemeOptions, AnonymousCallerHandler>(AnonymousCallerHandler.SchemeName, null);
            return services;
        }

        services.AddSingleton<BearerTokenEvents>();
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(bearer =>
        {
            bearer.Authority = options.Authority;
            bearer.RequireHttpsMetadata = options.RequireHttpsMetadata;
            // Keep the JWT claim names (sub, client_id...) instead of the WS-Federation URIs.
            bearer.MapInboundClaims = false;
            bearer.EventsType = typeof(BearerTokenEvents);
            bearer.TokenValidationParameters = new TokenValidationParameters
            {
                // The issuer and its signing keys come from the authority's discovery document.
                ValidateIssuer = true,
                ValidateIssuerSigningKey = true,
                RequireSignedTokens = true,
                RequireExpirationTime = true,
                ValidateLifetime = true,
                ClockSkew = TimeSpan.FromMinutes(1),
                ValidateAudience = true,
                AudienceValidator = (audiences, token, _) => TokenAudience.IsAccepted(audiences, token, options),
                NameClaimType = "sub",
            };
        });
        return services;
    }

    /// <summary>Authentication and authorization middleware; logs which mode the web tier runs in.</summary>
    public static WebApplication UseImageRecAuth(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<AuthOptions>>().Value;
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AuthSetup).FullName!);
        if (options.ParsedMode == AuthMode.None)
            logger.LogWarning("Auth:Mode=None: no sign-in; every request is the single user '{Owner}'. For local use only.", Owner.Anonymous);
        else
            logger.LogInformation("Sign-in required: bearer tokens from {Authority}, audience {Audience}, client id {ClientId}",
                options.Authority, options.Audience ?? "(none)", options.ClientId ?? "(none)");
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }
}
