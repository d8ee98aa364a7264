using System.Net;
using System.Text.Json;
using ImageRec.Tests.Infrastructure;

namespace ImageRec.Tests.Browser;

/// <summary>
/// The web page in a real headless Chromium (Debian's, driven by playwright-core from Node; see
/// page.mjs beside this file) against the stack `make run` starts: sign-in at its OpenID provider,
/// photos picked and dropped, each card's label checked against expected.csv, a label filter, a delete
/// by keyboard, the pool panel.
/// Screenshots go to artifacts/browser/.
/// </summary>
[Collection(LocalStackCollection.Name)]
public sealed class WebPageBrowserTests(LocalStackFixture stack)
{
    private const string User = "browser-user";
    private static readonly string[] Screenshots = ["01-uploaded.png", "02-filtered.png", "03-deleted.png", "04-pool.png"];

    [Fact]
    public async Task A_person_uploads_photos_sees_their_labels_filters_deletes_one_and_reads_the_pool()
    {
        // Four photos whose reference top-5 do not contain the first one's label, so filtering by it
        // must leave exactly the first of them.
        var all = ExpectedLabel.Load();
        var first = all[0];
        var others = all.Skip(1).Where(e => !e.Top5.Contains(first.Index)).DistinctBy(e => e.Label).Take(3).ToArray();
        var directory = Path.Combine(RepositoryPaths.Root, "artifacts", "browser");
        Directory.CreateDirectory(directory); // a fresh clone has no artifacts/ yet
        foreach (var old in Screenshots.Append("failure.png")) File.Delete(Path.Combine(directory, old));

        var scenario = Path.GetTempFileName();
        await File.WriteAllTextAsync(scenario, JsonSerializer.Serialize(new
        {
            url = stack.WebTier.ToString(),
            provider = stack.Identity,
            user = User,
            screenshots = directory,
            picked = new[] { first, others[0], others[1] }.Select(Photo),
            dropped = Photo(others[2]),
        }));
        var (exitCode, output) = await BrowserScript.RunAsync("page.mjs", scenario);
        File.Delete(scenario);
        Assert.True(exitCode == 0, $"the browser script failed (exit {exitCode}):\n{output}\n{stack.Logs()}");

        foreach (var name in Screenshots)
        {
            var file = new FileInfo(Path.Combine(directory, name));
            Assert.True(file.Exists && file.Length > 1000, $"screenshot {file.FullName} is missing or empty\n{output}");
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(file.FullName)[..4]);
        }

        // What the page did is what the API holds for that user: the deleted image is gone, the others are there.
        using var user = await stack.ClientForAsync(User);
        var result = BrowserScript.Result(output);
        var deleted = result.GetProperty("deleted").GetString()!;
        using (var gone = await user.GetAsync(new Uri(stack.WebTier, $"v1/images/{deleted}")))
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        foreach (var uploaded in result.GetProperty("ids").EnumerateObject().Where(p => p.Value.GetString() != deleted))
        {
            var id = uploaded.Value.GetString()!;
            var image = JsonDocument.Parse(await user.GetStringAsync(new Uri(stack.WebTier, $"v1/images/{id}"))).RootElement;
            Assert.Equal(all.Single(e => e.File == uploaded.Name).Index, image.GetProperty("labels")[0].GetProperty("index").GetInt32());
            using var cleanUp = await user.DeleteAsync(new Uri(stack.WebTier, $"v1/images/{id}"));
        }
    }

    private static object Photo(ExpectedLabel expected) => new
    {
        path = RepositoryPaths.SharedFile("testdata", "images", expected.File),
        file = expected.File,
        label = expected.Label,
    };
}
