using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace ImageRec.Tests.Infrastructure.Chaos;

/// <summary>
/// What the clients of a chaos test were told (the ids they got), held against what the system ends up
/// with, read back through the v1 API.
/// <list type="bullet">
/// <item>Lost: an id a client got whose job never ends <c>succeeded</c>, or that is missing from the owner's list.</item>
/// <item>Duplicated, from the user's view: an image in the list that no client got an id for (an upload
///   the client was told failed, or never heard back about, that happened anyway), an id listed twice,
///   or a result that changed after a client had read it (a job that ran again and wrote a new result).</item>
/// </list>
/// </summary>
public sealed class JobLedger(HttpClient http)
{
    private readonly ConcurrentDictionary<string, ExpectedLabel> _jobs = new();
    private readonly ConcurrentDictionary<string, string> _firstResults = new();

    public int Count => _jobs.Count;

    public IReadOnlyList<string> Ids => [.. _jobs.Keys];

    /// <summary>Records a client's upload outcome; returns whether it carried an id (202 or 200).</summary>
    public bool Record(UploadOutcome outcome)
    {
        if (outcome.Id is null) return false;
        _jobs[outcome.Id] = outcome.Image;
        if (outcome.Result is not null) Settle(outcome.Id, outcome.Result);
        return true;
    }

    private void Settle(string id, string result)
    {
        if (JsonDocument.Parse(result).RootElement.GetProperty("status").GetString() != "queued") _firstResults.TryAdd(id, result);
    }

    /// <summary>
    /// Polls every job without a final result through <paramref name="webTier"/> until each has one or
    /// <paramref name="timeout"/> passes; answers the web tier gives while it cannot reach S3 (503) are retried.
    /// Returns how long it took, or null on timeout.
    /// </summary>
    public async Task<TimeSpan?> WaitForResultsAsync(Uri webTier, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var pending = _jobs.Keys.Where(id => !_firstResults.ContainsKey(id)).ToArray();
            if (pending.Length == 0) return clock.Elapsed;
            if (clock.Elapsed > timeout) return null;
            await Parallel.ForEachAsync(pending, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (id, ct) =>
            {
                using var response = await http.GetAsync(new Uri(webTier, $"v1/images/{id}"), ct);
                if (response.StatusCode == HttpStatusCode.OK) Settle(id, await response.Content.ReadAsStringAsync(ct));
            });
            await Task.Delay(250);
        }
    }

    /// <summary>
    /// Waits until the owner's list holds no image a client was refused for: an upload answered 503 after its image
    /// (and maybe its index item) was stored is removed in the background by the web tier's abandoned-upload cleanup,
    /// which backs off while the store it failed on is still failing. Returns how long that took, or null when such
    /// images are still listed after <paramref name="timeout"/> (the audit then counts them).
    /// </summary>
    public async Task<TimeSpan?> WaitForAbandonedToGoAsync(Uri webTier, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if ((await ListAsync(webTier)).All(_jobs.ContainsKey)) return clock.Elapsed;
            if (clock.Elapsed > timeout) return null;
            await Task.Delay(500);
        }
    }

    /// <summary>Reads every result again and the whole list, and says what was lost or duplicated.</summary>
    /// <param name="preexisting">Images listed before this ledger's uploads began (another test's), not counted as unknown.</param>
    public async Task<LedgerAudit> AuditAsync(Uri webTier, IReadOnlyCollection<string>? preexisting = null)
    {
        var changed = new ConcurrentBag<string>();
        var lost = new ConcurrentBag<string>();
        var wrong = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(_jobs, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (job, ct) =>
        {
            var (id, expected) = job;
            using var response = await http.GetAsync(new Uri(webTier, $"v1/images/{id}"), ct);
            var now = await response.Content.ReadAsStringAsync(ct);
            if (response.StatusCode != HttpStatusCode.OK || !_firstResults.TryGetValue(id, out var first))
            {
                lost.Add($"{id}: {(int)response.StatusCode} {now}");
                return;
            }
            var result = JsonDocument.Parse(now).RootElement;
            if (result.GetProperty("status").GetString() != "succeeded") lost.Add($"{id}: {now}");
            else if (result.GetProperty("labels")[0].GetProperty("index").GetInt32() != expected.Index)
                wrong.Add($"{id} ({expected.File}): expected class {expected.Index} ({expected.Label}), got {result.GetProperty("labels")[0]}");
            if (now != first) changed.Add($"{id}: first read {first}, later {now}");
        });

        var listing = await ListWithStatusAsync(webTier);
        var listed = listing.Select(l => l.Id).ToList();
        // The list is the index's view: a job whose outcome the index never recorded would read "queued" there forever.
        foreach (var (id, status) in listing.Where(l => _jobs.ContainsKey(l.Id) && l.Status != "succeeded"))
            lost.Add($"{id}: listed as {status} by the index");
        var unknown = listed.Distinct().Where(id => !_jobs.ContainsKey(id) && preexisting?.Contains(id) != true).ToArray();
        var missing = _jobs.Keys.Except(listed).ToArray();
        foreach (var id in missing) lost.Add($"{id}: not in the list");
        var unknownUnfinished = 0;
        foreach (var id in unknown)
        {
            using var response = await http.GetAsync(new Uri(webTier, $"v1/images/{id}"));
            if (!(await response.Content.ReadAsStringAsync()).Contains("\"status\":\"succeeded\"", StringComparison.Ordinal)) unknownUnfinished++;
        }
        return new LedgerAudit(_jobs.Count, [.. lost], [.. changed], unknown, unknownUnfinished, listed.Count - listed.Distinct().Count(), [.. wrong]);
    }

    /// <summary>Every id of the owner's list, page by page.</summary>
    public async Task<List<string>> ListAsync(Uri webTier) => [.. (await ListWithStatusAsync(webTier)).Select(l => l.Id)];

    /// <summary>Every image of the owner's list with the status the list gives it, page by page.</summary>
    private async Task<List<(string Id, string Status)>> ListWithStatusAsync(Uri webTier)
    {
        var images = new List<(string, string)>();
        string? cursor = null;
        do
        {
            var page = JsonDocument.Parse(await http.GetStringAsync(new Uri(webTier, "v1/images?limit=100" + (cursor is null ? "" : $"&cursor={cursor}")))).RootElement;
            images.AddRange(page.GetProperty("items").EnumerateArray().Select(i => (i.GetProperty("id").GetString()!, i.GetProperty("status").GetString()!)));
            cursor = page.TryGetProperty("nextCursor", out var next) ? next.GetString() : null;
        }
        while (cursor is not null);
        return images;
    }
}

/// <param name="Unknown">Listed images no client got an id for.</param>
/// <param name="UnknownUnfinished">Of those, the ones that have not succeeded (an upload cut off before its job was queued stays queued).</param>
/// <param name="Repeated">Ids listed more than once.</param>
public sealed record LedgerAudit(int Jobs, IReadOnlyList<string> Lost, IReadOnlyList<string> Changed, IReadOnlyList<string> Unknown, int UnknownUnfinished,
    int Repeated, IReadOnlyList<string> WrongLabels)
{
    public int Duplicated => Unknown.Count + Repeated + Changed.Count;

    public override string ToString() =>
        $"{Jobs} jobs; lost {Lost.Count}: {string.Join("; ", Lost.Take(5))}; changed {Changed.Count}: {string.Join("; ", Changed.Take(3))}; " +
        $"unknown {Unknown.Count} ({UnknownUnfinished} unfinished): {string.Join(", ", Unknown.Take(5))}; repeated {Repeated}; wrong labels {WrongLabels.Count}: {string.Join("; ", WrongLabels.Take(5))}";
}
