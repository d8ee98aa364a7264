using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ImageRec.Common.Index;
using ImageRec.Tests.Auth;
using ImageRec.Tests.Infrastructure;
using ImageRec.Tests.Infrastructure.Chaos;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ImageRec.Tests.WebTier;

/// <summary>
/// <c>POST /v1/uploads</c> on a signed-in web tier process (issue 13): each bad request body is refused with its reason,
/// a good one gets 201, a Location and a presigned PUT that curl-like clients can use; the image is then read at
/// <c>GET /v1/images/{id}</c> as <c>awaiting-upload</c> (with or without <c>?wait=</c>) and listed. Without sign-in: 401.
/// </summary>
[Collection(SignedInWebTierCollection.Name)]
public sealed class UploadsApiTests(SignedInWebTierFixture stack)
{
    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private async Task<(HttpResponseMessage Response, JsonElement Body)> PostAsync(HttpContent content, string user = "uploader") =>
        await stack.SendAsync(HttpMethod.Post, "v1/uploads", await stack.TokenForAsync(user), content);

    [Theory]
    [InlineData("""{"contentType":"image/gif","contentLength":1000}""", "unsupported-type")]
    [InlineData("""{"contentType":"text/plain","contentLength":1000}""", "unsupported-type")]
    [InlineData("""{"contentType":"image/jpeg","contentLength":10485761}""", "file-too-large")]
    [InlineData("""{"contentType":"image/jpeg","contentLength":0}""", "empty-file")]
    [InlineData("""{"contentType":"image/jpeg","contentLength":-1}""", "invalid-upload-request")]
    [InlineData("""{"contentType":"image/jpeg"}""", "invalid-upload-request")]
    [InlineData("""{"contentLength":1000}""", "invalid-upload-request")]
    [InlineData("""{"contentType":"image/jpeg","contentLength":"1000"}""", "invalid-upload-request")]
    [InlineData("""not json""", "invalid-upload-request")]
    [InlineData("""null""", "invalid-upload-request")]
    public async Task A_bad_request_body_is_refused_with_its_reason(string body, string reason)
    {
        var (response, problem) = await PostAsync(Json(body));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(reason, problem.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_refused()
    {
        var (response, problem) = await PostAsync(new StringContent("""{"contentType":"image/jpeg","contentLength":1000}""", Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid-upload-request", problem.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Without_sign_in_it_is_401()
    {
        var (response, _) = await stack.SendAsync(HttpMethod.Post, "v1/uploads", null, Json("""{"contentType":"image/jpeg","contentLength":1000}"""));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_good_request_gets_a_presigned_put_and_the_image_reads_as_awaiting_its_upload_until_it_is_stored()
    {
        var photo = File.ReadAllBytes(RepositoryPaths.SharedFile("testdata", "images", "img_15.jpg"));
        var token = await stack.TokenForAsync("uploader");
        var before = DateTimeOffset.UtcNow;
        var (response, body) = await PostAsync(Json($$"""{"contentType":"image/jpeg","contentLength":{{photo.Length}},"fileName":"img_15.jpg"}"""));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = body.GetProperty("id").GetString()!;
        Assert.Equal($"/v1/images/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("PUT", body.GetProperty("method").GetString());
        Assert.Equal("image/jpeg", body.GetProperty("headers").GetProperty("Content-Type").GetString());
        var expiresAt = body.GetProperty("expiresAt").GetDateTimeOffset();
        Assert.InRange(expiresAt, before.AddSeconds(299), DateTimeOffset.UtcNow.AddSeconds(300));
        var url = new Uri(body.GetProperty("url").GetString()!);
        // With Aws:ServiceUrl (the emulator) the URL is that endpoint's, path-style.
        Assert.Equal(new Uri(stack.Storage["Aws__ServiceUrl"]).GetLeftPart(UriPartial.Authority), url.GetLeftPart(UriPartial.Authority));
        // /{bucket}/{owner}/{id}: the caller's owner (user-{sub}).
        var path = url.AbsolutePath.Split('/');
        Assert.Equal(["", stack.InputBucket, path[2], id], path);
        var owner = path[2];
        Assert.StartsWith("user-", owner);
        var query = QueryHelpers.ParseQuery(url.Query);
        Assert.NotEmpty(query["X-Amz-Signature"].ToString());
        Assert.InRange(int.Parse(query["X-Amz-Expires"].ToString(), System.Globalization.CultureInfo.InvariantCulture), 299, 300);

        // The index item, as the handler wrote it.
        await using (var aws = AwsClients.For(new Uri(stack.Storage["Aws__ServiceUrl"])))
        {
            var index = new ServiceCollection().AddSingleton(aws.GetRequiredService<Amazon.DynamoDBv2.IAmazonDynamoDB>())
                .AddImageIndex(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Index:TableName"] = stack.Storage["Index__TableName"] }).Build())
                .BuildServiceProvider().GetRequiredService<ImageIndex>();
            var item = await index.GetAsync(owner, id, default);
            Assert.NotNull(item);
            Assert.Equal(ImageRec.Common.Contracts.JobStatus.AwaitingUpload, item.Status);
            Assert.Equal(photo.Length, item.Size);
            Assert.Equal("img_15.jpg", item.FileName);
        }

        var (got, image) = await stack.SendAsync(HttpMethod.Get, $"v1/images/{id}", token);
        Assert.Equal(HttpStatusCode.OK, got.StatusCode);
        Assert.Equal("awaiting-upload", image.GetProperty("status").GetString());
        var started = DateTime.UtcNow;
        var (waited, still) = await stack.SendAsync(HttpMethod.Get, $"v1/images/{id}?wait=1", token);
        Assert.Equal(HttpStatusCode.OK, waited.StatusCode);
        Assert.Equal("awaiting-upload", still.GetProperty("status").GetString());
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromSeconds(0.9), "?wait=1 answered before its second was up");
        var (_, list) = await stack.SendAsync(HttpMethod.Get, "v1/images", token);
        Assert.Contains(list.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetString() == id && i.GetProperty("status").GetString() == "awaiting-upload");
        // Another user does not see it.
        var (theirs, _) = await stack.SendAsync(HttpMethod.Get, $"v1/images/{id}", await stack.TokenForAsync("someone-else"));
        Assert.Equal(HttpStatusCode.NotFound, theirs.StatusCode);

        // The client's PUT, as curl sends it: the headers it was given and the bytes.
        using var http = new HttpClient();
        var content = new ByteArrayContent(photo);
        content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        using (var put = await http.PutAsync(url, content))
            Assert.True(put.IsSuccessStatusCode, $"PUT answered {(int)put.StatusCode}: {await put.Content.ReadAsStringAsync()}");
        using var stored = await stack.S3.GetObjectAsync(stack.InputBucket, $"{owner}/{id}");
        Assert.Equal(photo.Length, stored.ContentLength);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("soon")]
    public async Task Get_with_a_bad_wait_is_refused(string wait)
    {
        var (response, problem) = await stack.SendAsync(HttpMethod.Get, $"v1/images/{Guid.CreateVersion7()}?wait={wait}", await stack.TokenForAsync("uploader"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid-wait", problem.GetProperty("reason").GetString());
    }
}
