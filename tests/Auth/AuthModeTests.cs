using System.Net;
using ImageRec.Common.Configuration;
using ImageRec.Tests.Infrastructure;
using ImageRec.WebTier.Auth;

namespace ImageRec.Tests.Auth;

/// <summary>
/// How the web tier starts: refusing to when no sign-in mode is given, without sign-in when told
/// (<c>Auth:Mode=None</c>), and answering 503 rather than 401 when the provider cannot be reached.
/// </summary>
[Collection(SignedInWebTierCollection.Name)]
public sealed class AuthModeTests(SignedInWebTierFixture stack)
{
    [Fact]
    public async Task Without_Auth_Mode_the_web_tier_refuses_to_start_and_says_what_to_set()
    {
        var (exitCode, output) = await WebTierProcess.RunUntilExitAsync(stack.Storage, TimeSpan.FromSeconds(60));
        Assert.NotEqual(0, exitCode);
        Assert.Contains("Auth:Mode is not set", output);
        Assert.Contains("Auth:Mode=None", output);
    }

    [Fact]
    public async Task Mode_None_serves_everyone_as_anonymous_and_warns_about_it()
    {
        await using var webTier = await WebTierProcess.StartAsync(new Dictionary<string, string>(stack.Storage)
        {
            ["Auth__Mode"] = "None",
            ["CourseHarness__Enabled"] = "true",
            ["Uploads__LegacyWaitSeconds"] = "1", // no workers here: the harness route times out after storing the image
        });
        Assert.Contains("Auth:Mode=None: no sign-in; every request is the single user 'anonymous'", webTier.Output);

        var (upload, queued) = await stack.SendAsync(HttpMethod.Post, "v1/images", token: null, SignedInWebTierFixture.Image(), webTier.BaseAddress);
        Assert.Equal(HttpStatusCode.Accepted, upload.StatusCode);
        Assert.Equal(Owner.Anonymous, queued.GetProperty("owner").GetString());
        var id = queued.GetProperty("id").GetString()!;
        var (get, _) = await stack.SendAsync(HttpMethod.Get, $"v1/images/{id}", token: null, webTier: webTier.BaseAddress);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        var (_, list) = await stack.SendAsync(HttpMethod.Get, "v1/images?limit=100", token: null, webTier: webTier.BaseAddress);
        Assert.Contains(list.GetProperty("items").EnumerateArray(), item => item.GetProperty("id").GetString() == id);

        var (_, config) = await stack.SendAsync(HttpMethod.Get, "v1/auth/config", token: null, webTier: webTier.BaseAddress);
        Assert.Equal("""{"mode":"none","authority":null,"clientId":null,"scope":null}""", config.GetRawText());

        // The course-harness route takes the image without a token and files it under its own owner.
        var (harness, timeout) = await stack.SendAsync(HttpMethod.Post, "", token: null, SignedInWebTierFixture.Image("inputFile"), webTier.BaseAddress);
        Assert.Equal(HttpStatusCode.GatewayTimeout, harness.StatusCode);
        var harnessId = timeout.GetProperty("id").GetString()!;
        var stored = await stack.S3.GetObjectMetadataAsync(stack.InputBucket, StorageOptions.InputKey(Owner.CourseHarness, harnessId));
        Assert.Equal(HttpStatusCode.OK, stored.HttpStatusCode);
    }

    [Fact]
    public async Task An_unreachable_provider_is_503_for_token_holders_and_still_401_without_a_token()
    {
        await using var webTier = await WebTierProcess.StartAsync(new Dictionary<string, string>(stack.Storage)
        {
            ["Auth__Mode"] = "Oidc",
            ["Auth__Authority"] = $"http://127.0.0.1:{FreePorts.One()}",
            ["Auth__Audience"] = TestIdentity.ClientId,
            ["Auth__RequireHttpsMetadata"] = "false",
        });
        var (unavailable, problem) = await stack.SendAsync(HttpMethod.Get, "v1/images", await stack.TokenForAsync("alice"), webTier: webTier.BaseAddress);
        Assert.True(unavailable.StatusCode == HttpStatusCode.ServiceUnavailable, problem.ToString() + webTier.Output);
        Assert.Equal("identity-provider-unavailable", problem.GetProperty("reason").GetString());
        Assert.NotNull(unavailable.Headers.RetryAfter);

        var (anonymous, missing) = await stack.SendAsync(HttpMethod.Get, "v1/images", token: null, webTier: webTier.BaseAddress);
        Assert.Equal((HttpStatusCode.Unauthorized, "missing-token"), (anonymous.StatusCode, missing.GetProperty("reason").GetString()));
    }
}
