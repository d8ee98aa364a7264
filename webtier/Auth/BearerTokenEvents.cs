using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;

namespace ImageRec.WebTier.Auth;

/// <summary>
/// Hooks into the JWT bearer handler: refuses tokens without a usable <c>sub</c>, turns a provider that
/// cannot be reached into a 503, and answers every refusal with problem+json (a <c>reason</c> such as
/// <c>token-expired</c> or <c>wrong-audience</c>), the RFC 6750 <c>WWW-Authenticate: Bearer</c> header,
/// and a log line saying why.
/// </summary>
public sealed class BearerTokenEvents(IProblemDetailsService problems, ILogger<BearerTokenEvents> logger) : JwtBearerEvents
{
    public override Task TokenValidated(TokenValidatedContext context)
    {
        var subject = context.Principal?.FindFirst("sub")?.Value;
        if (!Owner.IsValidSubject(subject))
            context.Fail(new InvalidSubjectException(subject is null
                ? "The token has no 'sub' claim, so it names no user."
                : $"The token's 'sub' is longer than {Owner.MaxSubjectLength} characters (OpenID Connect Core §2)."));
        return Task.CompletedTask;
    }

    public override async Task AuthenticationFailed(AuthenticationFailedContext context)
    {
        // Token faults are the caller's; a provider whose metadata cannot be fetched is ours. The handler
        // carries on without metadata, so an unreachable provider shows up as "no issuer/key matches":
        // ask for the metadata (cached while the provider is up) to tell the two apart.
        if (context.Exception is SecurityTokenInvalidIssuerException or SecurityTokenInvalidSignatureException
            && context.Options.ConfigurationManager is { } metadata)
        {
            try
            {
                await metadata.GetConfigurationAsync(context.HttpContext.RequestAborted);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                context.Fail(new IdentityProviderUnavailableException(e));
            }
        }
        else if (context.Exception is not (SecurityTokenException or ArgumentException or InvalidSubjectException or AggregateException))
        {
            context.Fail(new IdentityProviderUnavailableException(context.Exception));
        }
    }

    public override async Task Challenge(JwtBearerChallengeContext context)
    {
        var failure = context.AuthenticateFailure is AggregateException { InnerExceptions.Count: > 0 } several ? several.InnerExceptions[0] : context.AuthenticateFailure;
        var refusal = AuthRefusal.From(failure);
        var request = context.Request;
        if (refusal.Status == StatusCodes.Status503ServiceUnavailable)
            logger.LogWarning("{Method} {Path} refused: {Reason}: {Error}", request.Method, request.Path, refusal.Reason, failure?.InnerException?.Message);
        else
            logger.LogInformation("{Method} {Path} refused: {Reason} ({Error})", request.Method, request.Path, refusal.Reason, failure?.Message ?? "no bearer token");

        context.HandleResponse();
        var response = context.Response;
        response.StatusCode = refusal.Status;
        if (refusal.Status == StatusCodes.Status401Unauthorized)
            response.Headers.WWWAuthenticate = Challenge(context.Options.Challenge, context.Error, context.ErrorDescription);
        else
            response.Headers.RetryAfter = "5";
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context.HttpContext,
            ProblemDetails =
            {
                Status = refusal.Status,
                Title = refusal.Status == StatusCodes.Status401Unauthorized ? "Sign-in required" : "Sign-in unavailable",
                Detail = refusal.Detail,
                Type = $"https://imagerec.io/problems/{refusal.Reason}",
                Extensions = { ["reason"] = refusal.Reason },
            },
        });
    }

    /// <summary>The header the handler itself would send (RFC 6750 §3): <c>Bearer</c>, plus error and description for a bad token.</summary>
    private static string Challenge(string scheme, string? error, string? description)
    {
        var header = new StringBuilder(scheme);
        if (!string.IsNullOrEmpty(error)) header.Append($" error=\"{error}\"");
        if (!string.IsNullOrEmpty(description)) header.Append(string.IsNullOrEmpty(error) ? " " : ", ").Append($"error_description=\"{description.Replace("\"", "'")}\"");
        return header.ToString();
    }
}
