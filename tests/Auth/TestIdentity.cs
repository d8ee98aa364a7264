using System.Text.Json;
using ImageRec.LocalIdentity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ImageRec.Tests.Auth;

/// <summary>The local OpenID provider started in the test process, and tokens from it or shaped by hand with its key.</summary>
internal static class TestIdentity
{
    /// <summary>The web page's client: the web tier's audience and client id in these tests.</summary>
    public const string ClientId = "imagerec-test";

    /// <summary>Another registered application: its tokens are valid, but not for the web tier.</summary>
    public const string OtherClientId = "other-app";

    /// <summary>Registered without a port: any loopback port matches (RFC 8252 §7.3).</summary>
    public const string LoopbackRedirect = "http://127.0.0.1/callback";

    public const string OtherRedirect = "https://other.example/signed-in";

    public static async Task<RunningIdentityProvider> StartAsync(
        SigningKey? key = null, TimeProvider? time = null, params (string Key, string Value)[] settings)
    {
        var configuration = new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Warning",
            ["Identity:AllowPasswordGrant"] = "true",
            ["Identity:Clients:0:ClientId"] = ClientId,
            ["Identity:Clients:0:RedirectUris:0"] = LoopbackRedirect,
            ["Identity:Clients:1:ClientId"] = OtherClientId,
            ["Identity:Clients:1:RedirectUris:0"] = OtherRedirect,
        };
        foreach (var (name, value) in settings) configuration[name] = value;
        return await LocalIdentityProvider.StartAsync(configuration, services =>
        {
            if (key is not null) services.AddSingleton(key);
            if (time is not null) services.AddSingleton(time);
        });
    }

    /// <summary>POSTs a form to the provider's token endpoint; the answer as JSON and its status.</summary>
    public static async Task<(int Status, JsonElement Body)> TokenRequestAsync(HttpClient http, string issuer, Dictionary<string, string> form)
    {
        using var response = await http.PostAsync(issuer + "/token", new FormUrlEncodedContent(form));
        return ((int)response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    public static async Task<string> PasswordGrantAsync(HttpClient http, string issuer, string user, string clientId = ClientId)
    {
        var (status, body) = await TokenRequestAsync(http, issuer, new() { ["grant_type"] = "password", ["client_id"] = clientId, ["username"] = user });
        Assert.True(status == 200, body.ToString());
        return body.GetProperty("access_token").GetString()!;
    }

    /// <summary>
    /// A token signed with <paramref name="key"/> carrying exactly <paramref name="claims"/> (plus iat/nbf/exp):
    /// for the shapes a real provider would not issue here (another issuer, Cognito's access tokens).
    /// </summary>
    public static string Mint(SigningKey key, Dictionary<string, object> claims, TimeSpan? expiresIn = null)
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + (expiresIn ?? TimeSpan.FromMinutes(10)),
            SigningCredentials = key.Credentials,
        });
    }
}
