using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using ImageRec.LocalIdentity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ImageRec.Tests.Auth;

/// <summary>
/// The local OpenID provider over real HTTP, the way a browser page and the web tier use it: discovery,
/// JWKS, the authorization-code flow with PKCE through the sign-in form, the password grant, userinfo
/// and logout, and the refusals that keep codes and redirects safe.
/// </summary>
public sealed partial class LocalIdentityProviderTests(LocalIdentityProviderTests.Provider provider)
    : IClassFixture<LocalIdentityProviderTests.Provider>, IDisposable
{
    /// <summary>One provider for the class: each test uses its own codes and redirect ports.</summary>
    public sealed class Provider : IAsyncLifetime
    {
        public RunningIdentityProvider Running { get; private set; } = null!;
        public async Task InitializeAsync() => Running = await TestIdentity.StartAsync();
        public async Task DisposeAsync() => await Running.DisposeAsync();
    }

    private readonly HttpClient _http = new(new HttpClientHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(30) };

    private string Issuer => provider.Running.Issuer;

    public void Dispose() => _http.Dispose();

    private static string NewVerifier() => Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));

    private static string Loopback(int port) => $"http://127.0.0.1:{port}/callback";

    private static string AuthorizeQuery(string redirectUri, string? challenge, string method = "S256", string clientId = TestIdentity.ClientId) =>
        QueryHelpers.AddQueryString("/authorize", new Dictionary<string, string?>
        {
            ["response_type"] = "code", ["client_id"] = clientId, ["redirect_uri"] = redirectUri, ["scope"] = "openid profile email",
            ["state"] = "state-123", ["nonce"] = "nonce-456", ["code_challenge"] = challenge, ["code_challenge_method"] = method,
        }.Where(p => p.Value is not null));

    /// <summary>Opens the sign-in form, submits it as <paramref name="user"/>, and returns where the provider redirected to.</summary>
    private async Task<Uri> SignInAsync(string redirectUri, string verifier, string user = "alice")
    {
        using var form = await _http.GetAsync(Issuer + AuthorizeQuery(redirectUri, Pkce.Challenge(verifier)));
        var html = await form.Content.ReadAsStringAsync();
        Assert.True(form.StatusCode == HttpStatusCode.OK, html);
        Assert.Equal("text/html", form.Content.Headers.ContentType?.MediaType);
        Assert.Contains("frame-ancestors 'none'", form.Headers.GetValues("Content-Security-Policy").Single());

        // Post back what the form holds, the way a browser would.
        var fields = HiddenField().Matches(html).ToDictionary(m => m.Groups[1].Value, m => WebUtility.HtmlDecode(m.Groups[2].Value));
        fields["username"] = user;
        using var posted = await _http.PostAsync(Issuer + "/authorize", new FormUrlEncodedContent(fields));
        Assert.True(posted.StatusCode == HttpStatusCode.Redirect, await posted.Content.ReadAsStringAsync());
        return posted.Headers.Location!;
    }

    private async Task<(int Status, JsonElement Body)> ExchangeAsync(string code, string redirectUri, string verifier) =>
        await TestIdentity.TokenRequestAsync(_http, Issuer, new()
        {
            ["grant_type"] = "authorization_code", ["client_id"] = TestIdentity.ClientId, ["code"] = code,
            ["redirect_uri"] = redirectUri, ["code_verifier"] = verifier,
        });

    private static string Parameter(Uri redirect, string name) => QueryHelpers.ParseQuery(redirect.Query)[name].ToString();

    [Fact]
    public async Task Discovery_describes_the_provider_and_its_keys()
    {
        var discovery = JsonDocument.Parse(await _http.GetStringAsync(Issuer + "/.well-known/openid-configuration")).RootElement;
        Assert.Equal(Issuer, discovery.GetProperty("issuer").GetString());
        foreach (var (field, path) in new[] { ("authorization_endpoint", "/authorize"), ("token_endpoint", "/token"), ("userinfo_endpoint", "/userinfo"), ("end_session_endpoint", "/logout") })
            Assert.Equal(Issuer + path, discovery.GetProperty(field).GetString());
        string[] Values(string field) => discovery.GetProperty(field).EnumerateArray().Select(v => v.GetString()!).ToArray();
        Assert.Equal(["code"], Values("response_types_supported"));
        Assert.Equal(["S256"], Values("code_challenge_methods_supported"));
        Assert.Equal(["RS256"], Values("id_token_signing_alg_values_supported"));
        Assert.Equal(["none"], Values("token_endpoint_auth_methods_supported"));
        Assert.Equal(["authorization_code", "password"], Values("grant_types_supported"));
        Assert.Contains("openid", Values("scopes_supported"));
        // RFC 9207 §3: it says that its authorization responses name it (iss), so clients may insist on it.
        Assert.True(discovery.GetProperty("authorization_response_iss_parameter_supported").GetBoolean());

        var jwks = JsonDocument.Parse(await _http.GetStringAsync(discovery.GetProperty("jwks_uri").GetString())).RootElement;
        var key = Assert.Single(jwks.GetProperty("keys").EnumerateArray().ToArray());
        Assert.Equal(("RSA", "sig", "RS256"), (key.GetProperty("kty").GetString(), key.GetProperty("use").GetString(), key.GetProperty("alg").GetString()));
        Assert.False(string.IsNullOrEmpty(key.GetProperty("kid").GetString()));
        Assert.False(key.TryGetProperty("d", out _), "the private exponent must not be published");
    }

    [Fact]
    public async Task Code_flow_with_PKCE_issues_tokens_that_verify_with_the_published_keys()
    {
        var verifier = NewVerifier();
        var redirectUri = Loopback(41234);
        var redirect = await SignInAsync(redirectUri, verifier);
        Assert.Equal(redirectUri, redirect.GetLeftPart(UriPartial.Path));
        Assert.Equal("state-123", Parameter(redirect, "state"));
        Assert.Equal(Issuer, Parameter(redirect, "iss"));

        var (status, tokens) = await ExchangeAsync(Parameter(redirect, "code"), redirectUri, verifier);
        Assert.True(status == 200, tokens.ToString());
        Assert.Equal("Bearer", tokens.GetProperty("token_type").GetString());
        Assert.Equal(3600, tokens.GetProperty("expires_in").GetInt32());

        var access = await VerifyWithPublishedKeysAsync(tokens.GetProperty("access_token").GetString()!);
        Assert.Equal(LocalUser.FromName("alice")!.Subject, access.Subject);
        Assert.True(Guid.TryParse(access.Subject, out _));
        Assert.Equal(TestIdentity.ClientId, Assert.Single(access.Audiences));
        Assert.Equal("access", access.GetPayloadValue<string>("token_use"));
        Assert.Equal(TestIdentity.ClientId, access.GetPayloadValue<string>("client_id"));
        Assert.Equal("alice", access.GetPayloadValue<string>("preferred_username"));
        Assert.Equal("alice@users.imagerec.test", access.GetPayloadValue<string>("email"));
        Assert.Equal(TimeSpan.FromHours(1), access.ValidTo - access.ValidFrom);
        Assert.InRange(access.IssuedAt, DateTime.UtcNow.AddMinutes(-1), DateTime.UtcNow.AddMinutes(1));

        var id = await VerifyWithPublishedKeysAsync(tokens.GetProperty("id_token").GetString()!);
        Assert.Equal(("id", "nonce-456", access.Subject), (id.GetPayloadValue<string>("token_use"), id.GetPayloadValue<string>("nonce"), id.Subject));
    }

    private async Task<JsonWebToken> VerifyWithPublishedKeysAsync(string token)
    {
        var discovery = JsonDocument.Parse(await _http.GetStringAsync(Issuer + "/.well-known/openid-configuration")).RootElement;
        var keys = new JsonWebKeySet(await _http.GetStringAsync(discovery.GetProperty("jwks_uri").GetString())).GetSigningKeys();
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = Issuer, ValidAudience = TestIdentity.ClientId, IssuerSigningKeys = keys,
        });
        Assert.True(result.IsValid, result.Exception?.ToString());
        return (JsonWebToken)result.SecurityToken;
    }

    [Fact]
    public async Task A_wrong_code_verifier_is_refused_and_burns_the_code()
    {
        var verifier = NewVerifier();
        var redirectUri = Loopback(41235);
        var code = Parameter(await SignInAsync(redirectUri, verifier), "code");

        var (status, error) = await ExchangeAsync(code, redirectUri, NewVerifier());
        Assert.Equal((400, "invalid_grant"), (status, error.GetProperty("error").GetString()));
        Assert.Contains("code_verifier", error.GetProperty("error_description").GetString());

        // The right verifier is too late: the code was used up by the failed attempt.
        (status, error) = await ExchangeAsync(code, redirectUri, verifier);
        Assert.Equal((400, "invalid_grant"), (status, error.GetProperty("error").GetString()));
    }

    [Fact]
    public async Task A_code_works_once()
    {
        var verifier = NewVerifier();
        var redirectUri = Loopback(41236);
        var code = Parameter(await SignInAsync(redirectUri, verifier), "code");

        Assert.Equal(200, (await ExchangeAsync(code, redirectUri, verifier)).Status);
        var (status, error) = await ExchangeAsync(code, redirectUri, verifier);
        Assert.Equal((400, "invalid_grant"), (status, error.GetProperty("error").GetString()));
        Assert.Contains("already used", error.GetProperty("error_description").GetString());
    }

    [Fact]
    public async Task A_code_is_bound_to_its_redirect_uri()
    {
        var verifier = NewVerifier();
        var code = Parameter(await SignInAsync(Loopback(41237), verifier), "code");
        var (status, error) = await ExchangeAsync(code, Loopback(41238), verifier);
        Assert.Equal((400, "invalid_grant"), (status, error.GetProperty("error").GetString()));
    }

    [Theory]
    [InlineData("http://evil.example/callback", TestIdentity.ClientId, "is not registered for the client")]
    [InlineData("http://127.0.0.1:8080/elsewhere", TestIdentity.ClientId, "is not registered for the client")]
    [InlineData(TestIdentity.OtherRedirect, TestIdentity.ClientId, "is not registered for the client")]
    [InlineData(TestIdentity.LoopbackRedirect, "unknown-app", "is not registered with this provider")]
    public async Task Unregistered_redirect_uris_and_clients_are_refused_without_redirecting(string redirectUri, string clientId, string message)
    {
        var query = AuthorizeQuery(redirectUri, Pkce.Challenge(NewVerifier()), clientId: clientId);
        using var shown = await _http.GetAsync(Issuer + query);
        Assert.Equal(HttpStatusCode.BadRequest, shown.StatusCode);
        Assert.Null(shown.Headers.Location);
        Assert.Contains(message, WebUtility.HtmlDecode(await shown.Content.ReadAsStringAsync()));

        // Posting the form directly with a forged redirect_uri is refused the same way.
        var form = QueryHelpers.ParseQuery(new Uri("http://x" + query).Query).ToDictionary(p => p.Key, p => p.Value.ToString());
        form["username"] = "mallory";
        using var posted = await _http.PostAsync(Issuer + "/authorize", new FormUrlEncodedContent(form));
        Assert.Equal(HttpStatusCode.BadRequest, posted.StatusCode);
        Assert.Null(posted.Headers.Location);
    }

    [Theory]
    [InlineData(null, "S256", "PKCE is required")]
    [InlineData("CHALLENGE", "plain", "Only code_challenge_method=S256")]
    public async Task Requests_without_PKCE_S256_get_an_error_at_the_redirect_uri(string? challenge, string method, string message)
    {
        using var response = await _http.GetAsync(Issuer + AuthorizeQuery(Loopback(41239), challenge == "CHALLENGE" ? Pkce.Challenge(NewVerifier()) : challenge, method));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(("invalid_request", "state-123"), (Parameter(response.Headers.Location!, "error"), Parameter(response.Headers.Location!, "state")));
        Assert.Contains(message, Parameter(response.Headers.Location!, "error_description"));
        // RFC 9207 §2: error responses name the issuer too.
        Assert.Equal(Issuer, Parameter(response.Headers.Location!, "iss"));
    }

    [Fact]
    public async Task The_password_grant_serves_scripts_and_userinfo_describes_the_token_holder()
    {
        var token = await TestIdentity.PasswordGrantAsync(_http, Issuer, "bob");
        using var request = new HttpRequestMessage(HttpMethod.Get, Issuer + "/userinfo") { Headers = { { "Authorization", "Bearer " + token } } };
        using var response = await _http.SendAsync(request);
        var info = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(LocalUser.FromName("bob")!.Subject, info.GetProperty("sub").GetString());
        Assert.Equal(("bob", "bob@users.imagerec.test"), (info.GetProperty("preferred_username").GetString(), info.GetProperty("email").GetString()));

        using var anonymous = await _http.GetAsync(Issuer + "/userinfo");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("Bearer", anonymous.Headers.WwwAuthenticate.Single().Scheme);

        var (status, error) = await TestIdentity.TokenRequestAsync(_http, Issuer, new() { ["grant_type"] = "password", ["client_id"] = "nobody", ["username"] = "bob" });
        Assert.Equal((401, "invalid_client"), (status, error.GetProperty("error").GetString()));
        (status, error) = await TestIdentity.TokenRequestAsync(_http, Issuer, new() { ["grant_type"] = "password", ["client_id"] = TestIdentity.ClientId, ["username"] = "bob/../alice" });
        Assert.Equal((400, "invalid_request"), (status, error.GetProperty("error").GetString()));
        (status, error) = await TestIdentity.TokenRequestAsync(_http, Issuer, new() { ["grant_type"] = "client_credentials", ["client_id"] = TestIdentity.ClientId });
        Assert.Equal((400, "unsupported_grant_type"), (status, error.GetProperty("error").GetString()));
    }

    [Fact]
    public async Task Subjects_are_stable_per_user_name_across_providers_and_keys()
    {
        await using var other = await TestIdentity.StartAsync();
        JsonWebToken Read(string token) => new(token);
        var here = Read(await TestIdentity.PasswordGrantAsync(_http, Issuer, "Alice"));
        var there = Read(await TestIdentity.PasswordGrantAsync(_http, other.Issuer, "alice"));
        var bob = Read(await TestIdentity.PasswordGrantAsync(_http, Issuer, "bob"));
        Assert.Equal(here.Subject, there.Subject);
        Assert.NotEqual(here.Subject, bob.Subject);
        Assert.NotEqual(here.Kid, there.Kid);
    }

    [Fact]
    public async Task A_configured_password_is_asked_for_and_checked()
    {
        await using var guarded = await TestIdentity.StartAsync(settings: ("Identity:Password", "local-secret"));
        var form = await _http.GetStringAsync(guarded.Issuer + AuthorizeQuery(Loopback(41240), Pkce.Challenge(NewVerifier())));
        Assert.Contains("type=\"password\"", form);

        var grant = new Dictionary<string, string> { ["grant_type"] = "password", ["client_id"] = TestIdentity.ClientId, ["username"] = "carol", ["password"] = "guess" };
        var (status, error) = await TestIdentity.TokenRequestAsync(_http, guarded.Issuer, grant);
        Assert.Equal((400, "invalid_grant"), (status, error.GetProperty("error").GetString()));
        grant["password"] = "local-secret";
        Assert.Equal(200, (await TestIdentity.TokenRequestAsync(_http, guarded.Issuer, grant)).Status);
    }

    [Fact]
    public async Task Logout_returns_only_to_registered_uris()
    {
        var back = Loopback(41241);
        using var signedOut = await _http.GetAsync($"{Issuer}/logout?client_id={TestIdentity.ClientId}&post_logout_redirect_uri={Uri.EscapeDataString(back)}&state=bye");
        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        Assert.Equal(back + "?state=bye", signedOut.Headers.Location!.ToString());

        using var refused = await _http.GetAsync($"{Issuer}/logout?client_id={TestIdentity.ClientId}&post_logout_redirect_uri={Uri.EscapeDataString("https://evil.example/")}");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        using var page = await _http.GetAsync($"{Issuer}/logout");
        Assert.Contains("signed out", await page.Content.ReadAsStringAsync());
    }

    [GeneratedRegex("<input type=\"hidden\" name=\"([a-z_]+)\" value=\"([^\"]*)\">")]
    private static partial Regex HiddenField();
}
