using System.Net.Http.Headers;
using System.Text.Json;
using Amazon.S3;
using ImageRec.LocalIdentity;
using ImageRec.Tests.Infrastructure;

namespace ImageRec.Tests.Auth;

/// <summary>
/// A real web tier requiring sign-in (<c>Auth:Mode=Oidc</c>, course-harness route off) on its own
/// emulator, trusting the local OpenID provider started in the test process with a key the tests hold,
/// so they can also shape tokens a provider would not issue. No workers: uploads stay queued.
/// </summary>
public sealed class SignedInWebTierFixture : IAsyncLifetime
{
    private readonly AwsEmulatorFixture _emulator = new();

    public SigningKey Key { get; } = SigningKey.Generate();
    public RunningIdentityProvider Identity { get; private set; } = null!;
    public WebTierProcess WebTier { get; private set; } = null!;
    public IAmazonS3 S3 => _emulator.CreateS3Client();
    public string InputBucket { get; } = AwsEmulatorFixture.UniqueName("input");
    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>Emulator, queue, buckets and index table: what every web tier of these tests needs besides its sign-in settings.</summary>
    public Dictionary<string, string> Storage { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await _emulator.InitializeAsync();
        var queue = AwsEmulatorFixture.UniqueName("requests");
        var results = AwsEmulatorFixture.UniqueName("results");
        await _emulator.CreateSqsClient().NewQueueAsync(queue);
        await S3.PutBucketAsync(InputBucket);
        await S3.PutBucketAsync(results);
        var table = await IndexTable.CreateAsync(_emulator.ServiceUrl, AwsEmulatorFixture.UniqueName("index"));
        Storage = WebTierProcess.OnEmulator(_emulator.ServiceUrl, queue, InputBucket, results, table);

        Identity = await TestIdentity.StartAsync(Key);
        WebTier = await WebTierProcess.StartAsync(new Dictionary<string, string>(Storage)
        {
            ["Auth__Mode"] = "Oidc",
            ["Auth__Authority"] = Identity.Issuer,
            ["Auth__Audience"] = TestIdentity.ClientId,
            ["Auth__ClientId"] = TestIdentity.ClientId,
            ["Auth__RequireHttpsMetadata"] = "false",
        });
    }

    public Task<string> TokenForAsync(string user) => TestIdentity.PasswordGrantAsync(Http, Identity.Issuer, user);

    /// <summary>Sends <paramref name="request"/> to the web tier with <paramref name="token"/> as bearer token (none when null).</summary>
    public async Task<(HttpResponseMessage Response, JsonElement Body)> SendAsync(HttpMethod method, string path, string? token, HttpContent? content = null, Uri? webTier = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(webTier ?? WebTier.BaseAddress, path)) { Content = content };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response, text.Length > 0 && text[0] is '{' or '[' ? JsonDocument.Parse(text).RootElement.Clone() : default);
    }

    public static MultipartFormDataContent Image(string field = "image")
    {
        var file = new ByteArrayContent(File.ReadAllBytes(RepositoryPaths.SharedFile("testdata", "images", "img_15.jpg")));
        file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        return new MultipartFormDataContent { { file, field, "img_15.jpg" } };
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        if (WebTier is not null) await WebTier.DisposeAsync();
        if (Identity is not null) await Identity.DisposeAsync();
        Key.Dispose();
        await _emulator.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class SignedInWebTierCollection : ICollectionFixture<SignedInWebTierFixture>
{
    public const string Name = "signed-in-web-tier";
}
