using System.Net.Http.Json;
using System.Text.Json;

namespace ImageRec.LoadGen;

/// <summary>
/// Gets a bearer token for a named user the way a script can: the web tier's <c>GET /v1/auth/config</c>
/// names the OpenID provider and client id, the provider's discovery document (OpenID Connect Discovery
/// §4) names its token endpoint, and the resource owner password grant (RFC 6749 §4.3) returns the
/// token. Only the local provider (<c>imagerec-identity</c>) allows that grant; real providers do not.
/// </summary>
public static class SignIn
{
    /// <summary>The access token for <paramref name="user"/>, or null when the web tier runs without sign-in (<c>Auth:Mode=None</c>).</summary>
    public static async Task<string?> PasswordGrantAsync(HttpClient http, Uri webTier, string user, CancellationToken cancellationToken)
    {
        var config = await GetJsonAsync(http, new Uri(webTier, "v1/auth/config"), cancellationToken);
        if (config.GetProperty("mode").GetString() == "none") return null;
        var authority = config.GetProperty("authority").GetString()!.TrimEnd('/');
        var clientId = config.GetProperty("clientId").GetString()
            ?? throw new InvalidOperationException($"{webTier} names no client id (Auth:ClientId) to sign in with.");

        var discovery = await GetJsonAsync(http, new Uri(authority + "/.well-known/openid-configuration"), cancellationToken);
        var tokenEndpoint = discovery.GetProperty("token_endpoint").GetString()!;
        using var response = await http.PostAsync(tokenEndpoint, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password",
            ["client_id"] = clientId,
            ["username"] = user,
            ["scope"] = "openid profile email",
        }), cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"{tokenEndpoint} refused a token for '{user}': {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString();
    }

    private static async Task<JsonElement> GetJsonAsync(HttpClient http, Uri uri, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(uri, cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"GET {uri} answered {(int)response.StatusCode}.");
        return (await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).Clone();
    }
}
