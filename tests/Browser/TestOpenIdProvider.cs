using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ImageRec.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ImageRec.Tests.Browser;

/// <summary>
/// A small OpenID provider for the page's sign-in test, on its own origin: discovery, an authorization
/// endpoint with a username form, a token endpoint for public clients that insists on PKCE S256
/// (RFC 7636 §4.6) and single-use codes, and an end-session endpoint. Its tokens are opaque; the
/// web tier stand-in asks <see cref="IsValid"/>.
/// </summary>
public sealed class TestOpenIdProvider : IAsyncDisposable
{
    private sealed record Grant(string ClientId, string RedirectUri, string Challenge, string User);

    private readonly ConcurrentDictionary<string, Grant> _codes = new();
    private readonly ConcurrentDictionary<string, string> _tokens = new();
    private LoopbackApp _app = null!;

    public required string ClientId { get; init; }

    /// <summary>The one redirect URI registered for the client: the page's own address.</summary>
    public string RedirectUri { get; set; } = "";
    public Uri Authority => _app.Address;
    public ConcurrentQueue<string> SignOuts { get; } = new();

    public bool IsValid(string? token) => token is not null && _tokens.ContainsKey(token);

    public static async Task<TestOpenIdProvider> StartAsync(string clientId)
    {
        var provider = new TestOpenIdProvider { ClientId = clientId };
        provider._app = await LoopbackApp.StartAsync(_ => { }, provider.Map);
        return provider;
    }

    private void Map(WebApplication app)
    {
        // The page calls discovery and the token endpoint from its own origin.
        app.Use((context, next) =>
        {
            context.Response.Headers.AccessControlAllowOrigin = "*";
            return next(context);
        });
        app.MapGet("/.well-known/openid-configuration", (HttpRequest request) => Results.Json(new Dictionary<string, string>
        {
            ["issuer"] = Authority.ToString().TrimEnd('/'),
            ["authorization_endpoint"] = new Uri(Authority, "authorize").ToString(),
            ["token_endpoint"] = new Uri(Authority, "token").ToString(),
            ["end_session_endpoint"] = new Uri(Authority, "logout").ToString(),
            ["code_challenge_methods_supported"] = "S256",
        }));
        app.MapGet("/authorize", (HttpRequest request) =>
        {
            var q = request.Query;
            if (q["client_id"] != ClientId || q["redirect_uri"] != RedirectUri || q["response_type"] != "code"
                || q["code_challenge_method"] != "S256" || string.IsNullOrEmpty(q["code_challenge"]) || string.IsNullOrEmpty(q["state"]))
                return Results.BadRequest($"bad authorization request: {request.QueryString}");
            var hidden = string.Concat(new[] { "redirect_uri", "state", "code_challenge", "client_id" }
                .Select(n => $"<input type=\"hidden\" name=\"{n}\" value=\"{WebUtility.HtmlEncode(q[n])}\">"));
            return Results.Content($"""
                <!doctype html><title>Sign in</title>
                <form method="post" action="/authorize">{hidden}
                  <label>Username <input name="username" autocomplete="username"></label>
                  <button type="submit">Sign in</button>
                </form>
                """, "text/html");
        });
        app.MapPost("/authorize", async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            var code = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
            _codes[code] = new Grant(form["client_id"]!, form["redirect_uri"]!, form["code_challenge"]!, form["username"]!);
            return Results.Redirect($"{form["redirect_uri"]}?code={code}&state={Uri.EscapeDataString(form["state"]!)}");
        });
        app.MapPost("/token", async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            if (form["grant_type"] != "authorization_code" || !_codes.TryRemove(form["code"].ToString(), out var grant))
                return TokenError("the code is unknown or was used already");
            if (grant.ClientId != form["client_id"] || grant.RedirectUri != form["redirect_uri"])
                return TokenError("client_id or redirect_uri differ from the authorization request");
            var challenge = Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(form["code_verifier"].ToString())));
            if (challenge != grant.Challenge)
                return TokenError("code_verifier does not match code_challenge (S256)");
            var token = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
            _tokens[token] = grant.User;
            var idToken = $"{Base64Url("""{"alg":"none"}"""u8.ToArray())}.{Base64Url(JsonSerializer.SerializeToUtf8Bytes(new { sub = grant.User, name = grant.User }))}.";
            return Results.Json(new { access_token = token, token_type = "Bearer", expires_in = 300, id_token = idToken });
        });
        app.MapGet("/logout", (HttpRequest request) =>
        {
            SignOuts.Enqueue(request.QueryString.ToString());
            return Results.Redirect(request.Query["post_logout_redirect_uri"]!);
        });
    }

    private static IResult TokenError(string description) =>
        Results.Json(new { error = "invalid_grant", error_description = description }, statusCode: StatusCodes.Status400BadRequest);

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
