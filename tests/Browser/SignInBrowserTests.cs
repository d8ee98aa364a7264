using ImageRec.Tests.Infrastructure;

namespace ImageRec.Tests.Browser;

/// <summary>
/// The page's own sign-in (auth.js: authorization code with PKCE S256) in headless Chromium against the
/// stack `make run` starts: its local OpenID provider on another origin, the real web tier checking
/// the bearer token. A spoiled token is refused with 401 and sends the person back to sign-in; sign-out
/// goes through the provider's end-session endpoint; an answer that names another issuer, or none, is
/// refused (RFC 9207).
/// </summary>
[Collection(LocalStackCollection.Name)]
public sealed class SignInBrowserTests(LocalStackFixture stack)
{
    [Fact]
    public Task Signs_in_with_pkce_sends_the_bearer_token_signs_in_again_on_401_and_signs_out() =>
        RunAsync("sign-in.mjs", "alice-in-a-browser");

    [Fact]
    public Task Refuses_a_sign_in_answer_that_names_another_issuer_or_none_with_a_message_on_the_page() =>
        RunAsync("sign-in-issuer.mjs", "mallory-mixed-up");

    private async Task RunAsync(string script, string user)
    {
        var scenario = Path.GetTempFileName();
        await File.WriteAllTextAsync(scenario, System.Text.Json.JsonSerializer.Serialize(new
        {
            url = stack.WebTier.ToString(),
            provider = stack.Identity,
            user,
            screenshots = Path.Combine(RepositoryPaths.Root, "artifacts", "browser"),
        }));
        var (exitCode, output) = await BrowserScript.RunAsync(script, scenario);
        File.Delete(scenario);
        Assert.True(exitCode == 0, $"the browser script failed (exit {exitCode}):\n{output}\n{stack.Logs()}");
    }
}
