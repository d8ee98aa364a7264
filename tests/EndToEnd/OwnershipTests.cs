using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using ImageRec.Tests.Infrastructure;

namespace ImageRec.Tests.EndToEnd;

/// <summary>
/// Per-user images on the stack `make run` starts, signed in at its local OpenID provider: alice's
/// images are hers alone; to bob they do not exist. The course harness still needs no token.
/// </summary>
[Collection(LocalStackCollection.Name)]
public sealed class OwnershipTests(LocalStackFixture stack)
{
    private static MultipartFormDataContent Image(string field, string file)
    {
        var content = new ByteArrayContent(File.ReadAllBytes(RepositoryPaths.SharedFile("testdata", "images", file)));
        content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        return new MultipartFormDataContent { { content, field, file } };
    }

    private static async Task<string[]> ListAsync(HttpClient client, Uri webTier)
    {
        var page = JsonDocument.Parse(await client.GetStringAsync(new Uri(webTier, "v1/images?limit=100"))).RootElement;
        return page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!).ToArray();
    }

    private static async Task AssertNotFoundAsync(HttpResponseMessage response, string what)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{what}: {(int)response.StatusCode} {body}");
        Assert.Equal("not-found", JsonDocument.Parse(body).RootElement.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_user_cannot_see_fetch_list_or_delete_another_users_image()
    {
        using var alice = await stack.ClientForAsync("alice");
        using var bob = await stack.ClientForAsync("bob");

        using var upload = await alice.PostAsync(new Uri(stack.WebTier, "v1/images?wait=30"), Image("image", "img_00.jpg"));
        var result = JsonDocument.Parse(await upload.Content.ReadAsStringAsync()).RootElement;
        Assert.True(upload.StatusCode == HttpStatusCode.OK, $"{result}\n{stack.Logs()}");
        Assert.Equal("succeeded", result.GetProperty("status").GetString());
        Assert.StartsWith("user-", result.GetProperty("owner").GetString());
        var id = result.GetProperty("id").GetString()!;
        var image = new Uri(stack.WebTier, $"v1/images/{id}");

        // To bob the image does not exist: 404 like an unknown id, never 403.
        using (var get = await bob.GetAsync(image)) await AssertNotFoundAsync(get, "bob GET");
        using (var content = await bob.GetAsync(new Uri(image + "/content"))) await AssertNotFoundAsync(content, "bob GET content");
        using (var delete = await bob.DeleteAsync(image)) await AssertNotFoundAsync(delete, "bob DELETE");
        Assert.DoesNotContain(id, await ListAsync(bob, stack.WebTier));

        // Bob's delete took nothing away from alice.
        Assert.Contains(id, await ListAsync(alice, stack.WebTier));
        using (var content = await alice.GetAsync(new Uri(image + "/content")))
            Assert.Equal(HttpStatusCode.OK, content.StatusCode);
        using (var delete = await alice.DeleteAsync(image)) Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        using (var again = await alice.DeleteAsync(image)) await AssertNotFoundAsync(again, "alice's second DELETE");
    }

    [Fact]
    public async Task The_course_harness_route_needs_no_token()
    {
        using var anonymous = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        using var response = await anonymous.PostAsync(stack.WebTier, Image("inputFile", "img_00.jpg"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {body}\n{stack.Logs()}");
        Assert.Equal("img_00:robin", body);

        using var refused = await anonymous.GetAsync(new Uri(stack.WebTier, "v1/images"));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task The_page_learns_where_to_sign_in()
    {
        using var anonymous = new HttpClient();
        var config = JsonDocument.Parse(await anonymous.GetStringAsync(new Uri(stack.WebTier, "v1/auth/config"))).RootElement;
        Assert.Equal(("oidc", stack.Identity, "imagerec"),
            (config.GetProperty("mode").GetString(), config.GetProperty("authority").GetString(), config.GetProperty("clientId").GetString()));
    }
}
