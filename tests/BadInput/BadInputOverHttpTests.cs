using System.Net;
using System.Text.Json;
using ImageRec.Common.Contracts;
using ImageRec.Tests.Infrastructure;

namespace ImageRec.Tests.BadInput;

/// <summary>
/// The bad-input table over real HTTP, through the stack `make run` starts: the web tier, the emulator, worker
/// processes with the real model. Every case is uploaded with <c>?wait=30</c>; the answer must be its 4xx
/// problem+json, or 200 with its result — never a 5xx, never still queued. What was seen is written to
/// artifacts/bad-input.md, the figure of record (it equals docs/bad-input.md when this test passes).
/// </summary>
[Collection(LocalStackCollection.Name)]
public sealed class BadInputOverHttpTests(LocalStackFixture stack)
{
    [Fact]
    public async Task Every_case_gets_its_status_and_reason()
    {
        using var parallel = new SemaphoreSlim(8);
        var rows = await Task.WhenAll(BadInputCases.All.Select(async c =>
        {
            await parallel.WaitAsync();
            try
            {
                return new BadInputTable.Row(c, await UploadAsync(c), c.AtWorker);
            }
            finally
            {
                parallel.Release();
            }
        }));

        var artifact = Path.Combine(RepositoryPaths.Root, "artifacts", "bad-input.md");
        Directory.CreateDirectory(Path.GetDirectoryName(artifact)!);
        await File.WriteAllTextAsync(artifact,
            $"# Bad-input table, as seen over HTTP ({DateTimeOffset.UtcNow:u})\n\n" +
            "The web tier column is what this run got; the last column is what JobBatchProcessorTests asserts for the same bytes.\n\n" +
            BadInputTable.Render(rows));

        var mismatches = rows.Where(r => r.OverHttp != r.Case.OverHttp)
            .Select(r => $"{r.Case.Name}: expected {r.Case.OverHttp}, got {r.OverHttp}").ToArray();
        Assert.True(mismatches.Length == 0, string.Join("\n", mismatches) + "\n" + stack.Logs());
    }

    /// <summary>Uploads one case and says what came back, in the table's terms; a 4xx must be problem+json with a detail.</summary>
    private async Task<Outcome> UploadAsync(BadInputCase c)
    {
        // Like curl, announce the body with Expect: 100-continue, so a refusal can come before a large body is sent.
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(stack.WebTier, "v1/images?wait=30")) { Content = BadInputRequests.Content(c) };
        request.Headers.ExpectContinue = true;
        using var response = await stack.Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        var status = (int)response.StatusCode;
        var json = body.Length > 0 && body[0] == '{' ? JsonDocument.Parse(body).RootElement : default;

        if (response.StatusCode == HttpStatusCode.OK)
        {
            return Classified.Of(ContractSerializer.ParseResult(body), c.OverHttp as Classified);
        }
        if (status is >= 400 and < 500
            && response.Content.Headers.ContentType?.MediaType == "application/problem+json"
            && json.TryGetProperty("reason", out var reason)
            && json.TryGetProperty("detail", out var detail) && !string.IsNullOrWhiteSpace(detail.GetString()))
            return new Refused(status, reason.GetString()!);
        // Anything else (a 5xx, 202 still queued, a 4xx without a proper problem) matches no expected outcome.
        return new Refused(status, $"unexpected answer: {response.Content.Headers.ContentType?.MediaType} {body}");
    }
}
