using System.Collections.Concurrent;
using ImageRec.Tests.Infrastructure;
using ImageRec.WebTier.Page;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ImageRec.Tests.Browser;

/// <summary>
/// The page's own sign-in (auth.js: authorization code with PKCE S256) in headless Chromium, against
/// <see cref="TestOpenIdProvider"/> on another origin. The page is the real one, served by the real
/// MapWebPage with the provider in its CSP; until the web tier has sign-in, its
/// <c>/v1/auth/config</c> and a bearer-checking <c>/v1/images</c> are stood in for here.
/// </summary>
public sealed class SignInBrowserTests
{
    private const string ClientId = "imagerec-page";

    [Fact]
    public async Task Signs_in_with_pkce_sends_the_bearer_token_signs_in_again_on_401_and_signs_out()
    {
        await using var provider = await TestOpenIdProvider.StartAsync(ClientId);
        var authorizations = new ConcurrentQueue<string>();
        await using var webTier = await LoopbackApp.StartAsync(
            builder =>
            {
                builder.Configuration["WebPage:ConnectSources:0"] = provider.Authority.ToString();
                builder.Services.AddWebPage(builder.Configuration);
            },
            app =>
            {
                app.MapWebPage();
                app.MapGet("/v1/auth/config", () => Results.Json(new
                {
                    mode = "oidc", authority = provider.Authority.ToString().TrimEnd('/'), clientId = ClientId, scope = "openid profile",
                }));
                app.MapGet("/v1/images", (HttpRequest request) =>
                {
                    var header = request.Headers.Authorization.ToString();
                    authorizations.Enqueue(header);
                    return provider.IsValid(header.StartsWith("Bearer ", StringComparison.Ordinal) ? header[7..] : null)
                        ? Results.Json(new { items = Array.Empty<object>() })
                        : Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Sign in");
                });
                app.MapGet("/v1/pool", () => Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Pool status unavailable"));
            });
        provider.RedirectUri = webTier.Address.ToString();

        var scenario = Path.GetTempFileName();
        await File.WriteAllTextAsync(scenario, System.Text.Json.JsonSerializer.Serialize(new
        {
            url = webTier.Address.ToString(),
            provider = provider.Authority.ToString(),
            user = "alice",
            screenshots = Path.Combine(RepositoryPaths.Root, "artifacts", "browser"),
        }));
        var (exitCode, output) = await BrowserScript.RunAsync("sign-in.mjs", scenario);
        File.Delete(scenario);
        Assert.True(exitCode == 0, $"the browser script failed (exit {exitCode}):\n{output}");

        // The gallery's calls carried a token the provider issued (and, once, the spoiled one).
        Assert.Contains(authorizations, a => a.StartsWith("Bearer ", StringComparison.Ordinal) && provider.IsValid(a[7..]));
        Assert.Contains(authorizations, a => a == "Bearer spoiled");
        var signOut = Assert.Single(provider.SignOuts);
        Assert.Contains($"client_id={ClientId}", signOut);
        Assert.Contains("id_token_hint=", signOut);
    }
}
