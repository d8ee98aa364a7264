using System.Text.Json;
using ImageRec.LocalIdentity.Endpoints;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ImageRec.LocalIdentity;

/// <summary>
/// A small OpenID Connect provider (OpenID Connect Core 1.0, Discovery 1.0; OAuth 2.0 RFC 6749 with
/// PKCE RFC 7636) for `make run` and the tests. <c>imagerec-identity</c> runs it as a process;
/// <see cref="StartAsync"/> runs it inside a test on a free loopback port.
/// <para>Local development only: any user name signs in (optionally with one shared password), and
/// the password grant hands tokens to scripts. Never expose it.</para>
/// </summary>
public static class LocalIdentityProvider
{
    /// <summary>Browsers on the web tier's origin call discovery, JWKS, token and userinfo (PKCE in the page).</summary>
    public const string AnyOrigin = "any-origin";

    /// <summary>Registers the provider's services on <paramref name="builder"/> (a test may register its own
    /// <see cref="SigningKey"/> or <see cref="TimeProvider"/> first) and maps its endpoints.</summary>
    public static WebApplication Build(WebApplicationBuilder builder)
    {
        builder.Services.Configure<LocalIdentityOptions>(builder.Configuration.GetSection(LocalIdentityOptions.Section));
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton(_ => SigningKey.Generate());
        builder.Services.AddSingleton<IssuerUri>();
        builder.Services.AddSingleton<AuthorizationCodes>();
        builder.Services.AddSingleton<TokenIssuer>();
        builder.Services.AddCors(cors => cors.AddPolicy(AnyOrigin, policy => policy.AllowAnyOrigin().AllowAnyHeader().WithMethods("GET", "POST")));
        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            // OAuth and OpenID Connect name every member in snake_case.
            json.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            json.SerializerOptions.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull;
        });

        var app = builder.Build();
        var options = app.Services.GetRequiredService<IOptions<LocalIdentityOptions>>().Value;
        if (options.Clients.Count == 0 || options.Clients.Any(c => string.IsNullOrWhiteSpace(c.ClientId)))
            throw new InvalidOperationException(
                "No client is registered: set Identity:Clients:0:ClientId and Identity:Clients:0:RedirectUris:0 (e.g. http://127.0.0.1/ for any loopback port).");

        app.UseCors();
        app.MapDiscovery();
        app.MapAuthorize();
        app.MapToken().RequireCors(AnyOrigin);
        app.MapUserInfo();
        app.MapLogout();
        app.MapGet("/healthz", () => TypedResults.Text("ok"));

        app.Lifetime.ApplicationStarted.Register(() => app.Logger.LogWarning(
            "Local development OpenID provider, issuer {Issuer}: any user name signs in{Password}{PasswordGrant}. Never expose it.",
            app.Services.GetRequiredService<IssuerUri>().Value,
            AuthorizeEndpoints.AsksPassword(options) ? " with the shared password" : " without a password",
            options.AllowPasswordGrant ? ", and the password grant is on" : ""));
        return app;
    }

    /// <summary>
    /// Starts the provider in this process on a free loopback port (or <c>Urls</c> from
    /// <paramref name="settings"/>), configured by <paramref name="settings"/> (<c>Identity:*</c> keys);
    /// <paramref name="services"/> may replace the signing key or the clock.
    /// </summary>
    public static async Task<RunningIdentityProvider> StartAsync(
        IEnumerable<KeyValuePair<string, string?>> settings, Action<IServiceCollection>? services = null, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(LocalIdentityProvider).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddInMemoryCollection(settings);
        if (string.IsNullOrEmpty(builder.Configuration["Urls"])) builder.WebHost.UseUrls("http://127.0.0.1:0");
        services?.Invoke(builder.Services);
        var app = Build(builder);
        await app.StartAsync(cancellationToken);
        return new RunningIdentityProvider(app);
    }
}

/// <summary>A provider started by <see cref="LocalIdentityProvider.StartAsync"/>; dispose to stop it.</summary>
public sealed class RunningIdentityProvider(WebApplication app) : IAsyncDisposable
{
    /// <summary>The issuer, e.g. <c>http://127.0.0.1:41234</c> (no trailing slash): the web tier's <c>Auth:Authority</c>.</summary>
    public string Issuer => app.Services.GetRequiredService<IssuerUri>().Value;

    /// <summary>Where it listens; the same as <see cref="Issuer"/> unless <c>Identity:Issuer</c> names another.</summary>
    public string Address => app.Urls.First();

    public IServiceProvider Services => app.Services;

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
