using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using ImageRec.LocalIdentity;
using ImageRec.Tests.Infrastructure;
using ImageRec.WebTier.Auth;
using Microsoft.IdentityModel.Tokens;

namespace ImageRec.Tests.Auth;

/// <summary>
/// The web tier with sign-in on, over real HTTP, against the local OpenID provider: which tokens get
/// in, how refusals read (401 problem+json, a reason, <c>WWW-Authenticate: Bearer</c>, a log line),
/// and that owners follow the token's subject.
/// </summary>
[Collection(SignedInWebTierCollection.Name)]
public sealed class WebTierAuthTests(SignedInWebTierFixture stack)
{
    private Dictionary<string, object> Claims(string subject = "3f0c2a4e-9b1d-4c6e-8f7a-1b2c3d4e5f60") => new()
    {
        ["iss"] = stack.Identity.Issuer,
        ["sub"] = subject,
        ["aud"] = TestIdentity.ClientId,
        ["token_use"] = "access",
        ["client_id"] = TestIdentity.ClientId,
    };

    public static TheoryData<string, string, bool> Refusals() => new()
    {
        // kind, reason, whether the header carries error="invalid_token"
        { "no token", "missing-token", false },
        { "expired", "token-expired", true },
        { "another issuer", "wrong-issuer", true },
        { "another client's token", "wrong-audience", true },
        { "Cognito-style id token", "wrong-audience", true },
        { "tampered payload", "bad-signature", true },
        { "signed with another key", "bad-signature", true },
        { "not a JWT", "malformed-token", true },
        { "no subject", "invalid-subject", true },
    };

    private async Task<string?> TokenOfKindAsync(string kind)
    {
        switch (kind)
        {
            case "no token": return null;
            case "expired":
            {
                // The same provider (issuer, key), its clock two hours behind: it issues a token that expired an hour ago.
                await using var late = await TestIdentity.StartAsync(stack.Key, new ShiftedTimeProvider(TimeSpan.FromHours(-2)), ("Identity:Issuer", stack.Identity.Issuer));
                return await TestIdentity.PasswordGrantAsync(stack.Http, late.Address, "alice");
            }
            case "another issuer": return TestIdentity.Mint(stack.Key, new(Claims()) { ["iss"] = "https://impostor.example" });
            case "another client's token": return await TestIdentity.PasswordGrantAsync(stack.Http, stack.Identity.Issuer, "alice", TestIdentity.OtherClientId);
            case "Cognito-style id token":
            {
                var claims = Claims();
                claims.Remove("aud");
                claims["token_use"] = "id";
                return TestIdentity.Mint(stack.Key, claims);
            }
            case "tampered payload":
            {
                // Alice's real token, its payload changed to name bob, her signature kept.
                var parts = (await stack.TokenForAsync("alice")).Split('.');
                var payload = JsonNode.Parse(Base64UrlEncoder.Decode(parts[1]))!;
                payload["sub"] = LocalUser.FromName("bob")!.Subject;
                return $"{parts[0]}.{Base64UrlEncoder.Encode(payload.ToJsonString())}.{parts[2]}";
            }
            case "signed with another key":
            {
                using var stranger = SigningKey.Generate();
                return TestIdentity.Mint(stranger, Claims());
            }
            case "not a JWT": return "this-is-not-a-token";
            case "no subject":
            {
                var claims = Claims();
                claims.Remove("sub");
                return TestIdentity.Mint(stack.Key, claims);
            }
            default: throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
    }

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Requests_without_a_valid_token_get_401_problem_json_saying_why(string kind, string reason, bool invalidToken)
    {
        var token = await TokenOfKindAsync(kind);
        foreach (var (method, path) in new[] { (HttpMethod.Get, "v1/images"), (HttpMethod.Get, $"v1/images/{Guid.CreateVersion7()}"), (HttpMethod.Delete, $"v1/images/{Guid.CreateVersion7()}") })
        {
            var (response, problem) = await stack.SendAsync(method, path, token);
            using (response)
            {
                Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{kind}, {method} {path}: {(int)response.StatusCode} {problem}");
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                Assert.Equal(reason, problem.GetProperty("reason").GetString());
                Assert.Equal(401, problem.GetProperty("status").GetInt32());
                Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
                var challenge = Assert.Single(response.Headers.WwwAuthenticate);
                Assert.Equal("Bearer", challenge.Scheme);
                Assert.Equal(invalidToken, challenge.Parameter?.Contains("error=\"invalid_token\"") == true);
            }
        }
        var (upload, _) = await stack.SendAsync(HttpMethod.Post, "v1/images", token, SignedInWebTierFixture.Image());
        Assert.Equal(HttpStatusCode.Unauthorized, upload.StatusCode);
        await AssertLoggedAsync($"refused: {reason}");
    }

    private async Task AssertLoggedAsync(string text)
    {
        var clock = Stopwatch.StartNew();
        while (!stack.WebTier.Output.Contains(text, StringComparison.Ordinal) && clock.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(50);
        Assert.True(stack.WebTier.Output.Contains(text, StringComparison.Ordinal), $"no log line with '{text}':\n{stack.WebTier.Output}");
    }

    [Fact]
    public async Task A_Cognito_style_access_token_is_accepted_by_its_client_id()
    {
        // Cognito access tokens: no aud, token_use=access, client_id = the app client.
        var claims = Claims("7d3c1c0e-5f0a-4a2e-9e61-2b6a3f1b9c44");
        claims.Remove("aud");
        claims["scope"] = "openid profile email";
        var token = TestIdentity.Mint(stack.Key, claims);

        var (list, body) = await stack.SendAsync(HttpMethod.Get, "v1/images", token);
        Assert.True(list.StatusCode == HttpStatusCode.OK, body.ToString());
        var (upload, result) = await stack.SendAsync(HttpMethod.Post, "v1/images", token, SignedInWebTierFixture.Image());
        Assert.Equal(HttpStatusCode.Accepted, upload.StatusCode);
        Assert.Equal("user-7d3c1c0e-5f0a-4a2e-9e61-2b6a3f1b9c44", result.GetProperty("owner").GetString());

        // The same shape for another app client is not for this API.
        claims["client_id"] = TestIdentity.OtherClientId;
        var (other, problem) = await stack.SendAsync(HttpMethod.Get, "v1/images", TestIdentity.Mint(stack.Key, claims));
        Assert.Equal((HttpStatusCode.Unauthorized, "wrong-audience"), (other.StatusCode, problem.GetProperty("reason").GetString()));
    }

    [Fact]
    public async Task A_subject_with_unsafe_characters_owns_an_encoded_key_prefix_and_only_its_own_images()
    {
        var token = TestIdentity.Mint(stack.Key, Claims("auth0|carol/../alice"));
        var (upload, result) = await stack.SendAsync(HttpMethod.Post, "v1/images", token, SignedInWebTierFixture.Image());
        Assert.Equal(HttpStatusCode.Accepted, upload.StatusCode);
        var owner = result.GetProperty("owner").GetString()!;
        var id = result.GetProperty("id").GetString()!;
        Assert.Equal(Owner.FromSubject("auth0|carol/../alice"), owner);
        Assert.StartsWith("user64-", owner);

        // The image is stored under exactly one key, below the encoded owner.
        var keys = (await stack.S3.ListObjectsV2Async(new() { BucketName = stack.InputBucket })).S3Objects.Select(o => o.Key).Where(k => k.EndsWith(id)).ToList();
        Assert.Equal([$"{owner}/{id}"], keys);

        var (mine, _) = await stack.SendAsync(HttpMethod.Get, $"v1/images/{id}", token);
        Assert.Equal(HttpStatusCode.OK, mine.StatusCode);
        var (theirs, problem) = await stack.SendAsync(HttpMethod.Get, $"v1/images/{id}", await stack.TokenForAsync("alice"));
        Assert.Equal((HttpStatusCode.NotFound, "not-found"), (theirs.StatusCode, problem.GetProperty("reason").GetString()));
    }

    [Fact]
    public async Task Health_metrics_and_the_sign_in_settings_need_no_token()
    {
        foreach (var path in new[] { "healthz", "readyz", "metrics" })
        {
            var (response, _) = await stack.SendAsync(HttpMethod.Get, path, token: null);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode}");
        }
        var (config, body) = await stack.SendAsync(HttpMethod.Get, "v1/auth/config", token: null);
        Assert.Equal(HttpStatusCode.OK, config.StatusCode);
        Assert.Equal(
            $$"""{"mode":"oidc","authority":"{{stack.Identity.Issuer}}","clientId":"{{TestIdentity.ClientId}}","scope":"openid profile email"}""",
            body.GetRawText());
    }

    [Fact]
    public async Task The_course_harness_route_is_404_when_it_is_off()
    {
        foreach (var token in new[] { null, await stack.TokenForAsync("alice") })
        {
            var (response, problem) = await stack.SendAsync(HttpMethod.Post, "", token, SignedInWebTierFixture.Image("inputFile"));
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("course-harness-disabled", problem.GetProperty("reason").GetString());
        }
        var stored = await stack.S3.ListObjectsV2Async(new() { BucketName = stack.InputBucket, Prefix = Owner.CourseHarness + "/" });
        Assert.Empty(stored.S3Objects ?? []);
    }
}
