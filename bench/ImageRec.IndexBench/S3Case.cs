using System.Diagnostics;
using Amazon.S3;
using Amazon.S3.Model;
using ImageRec.Common.Contracts;
using ImageRec.Common.Index;

namespace ImageRec.IndexBench;

/// <summary>
/// One size against <see cref="S3ListingBaseline"/>: buckets of its own holding a tiny input object and the result
/// document of every image (the owner's and the others'), written <see cref="BenchOptions.LoadConcurrency"/> × 2 at
/// a time, then pages of 50 timed one at a time, within <see cref="BenchOptions.S3Budget"/> per kind of page.
/// </summary>
internal sealed class S3Case(IAmazonS3 s3, BenchOptions options)
{
    public sealed record Result(Latencies Pages, Latencies LabelPages, int Objects, TimeSpan LoadTime);

    /// <summary>Untimed requests before the slow cases: one is enough to open connections and load code.</summary>
    private const int SlowWarmup = 1;

    public async Task<Result> RunAsync(Workload workload, CancellationToken cancellationToken)
    {
        var suffix = Guid.NewGuid().ToString("N")[..12];
        var inputs = $"bench-input-{suffix}";
        var results = $"bench-results-{suffix}";
        await s3.PutBucketAsync(inputs, cancellationToken);
        await s3.PutBucketAsync(results, cancellationToken);
        var (objects, loadTime) = await LoadAsync(inputs, results, workload.All(), cancellationToken);

        var baseline = new S3ListingBaseline(s3, inputs, results);
        var cursors = await baseline.CursorsAsync(workload.Owner, cancellationToken);
        var random = new Random(options.Seed);
        var pages = await Timing.MeasureAsync(async () =>
        {
            var after = random.Next(-1, Math.Max(-1, cursors.Count - IndexCase.PageSize - 1) + 1);
            var page = await baseline.ListAsync(workload.Owner, null, after < 0 ? null : cursors[after], IndexCase.PageSize, cancellationToken);
            Expect(page.Items.Count, Math.Min(IndexCase.PageSize, cursors.Count - after - 1), workload, null);
        }, SlowWarmup, options.Pages, options.S3Budget, options.S3MinPages);
        // From the newest: the rare label's images are fewer than a page up to 50,000 images, so every label page reads
        // every result (the index's label pages start at the newest too at these sizes).
        var labelPages = await Timing.MeasureAsync(async () =>
        {
            var page = await baseline.ListAsync(workload.Owner, workload.RareLabel, null, IndexCase.PageSize, cancellationToken);
            Expect(page.Items.Count, Math.Min(IndexCase.PageSize, workload.Rare.Count), workload, workload.RareLabel);
        }, SlowWarmup, options.Pages, options.S3Budget, options.S3MinPages);
        return new Result(pages, labelPages, objects, loadTime);
    }

    private static void Expect(int count, int expected, Workload workload, string? label)
    {
        if (count != expected)
            throw new InvalidOperationException($"S3 listing of {workload.Owner} label={label ?? "-"}: {count} images, expected {expected}");
    }

    private async Task<(int Objects, TimeSpan Elapsed)> LoadAsync(string inputs, string results, IEnumerable<IndexedImage> images, CancellationToken cancellationToken)
    {
        var input = new byte[64];
        var objects = 0;
        var elapsed = Stopwatch.StartNew();
        await Parallel.ForEachAsync(images,
            new ParallelOptions { MaxDegreeOfParallelism = options.LoadConcurrency * 2, CancellationToken = cancellationToken },
            async (image, ct) =>
            {
                await s3.PutObjectAsync(new PutObjectRequest
                {
                    BucketName = inputs,
                    Key = S3ListingBaseline.InputKey(image.Owner, image.Id),
                    InputStream = new MemoryStream(input),
                    ContentType = "image/jpeg",
                }, ct);
                await s3.PutObjectAsync(new PutObjectRequest
                {
                    BucketName = results,
                    Key = S3ListingBaseline.ResultKey(image.Owner, image.Id),
                    ContentBody = ContractSerializer.Serialize(image.ToResult() with
                    {
                        Timings = new JobTimings(12.5, 4.1, 9.8),
                        Traceparent = image.Traceparent,
                    }),
                    ContentType = "application/json",
                }, ct);
                Interlocked.Add(ref objects, 2);
            });
        return (objects, elapsed.Elapsed);
    }
}
