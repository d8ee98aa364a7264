using System.Diagnostics;
using Amazon.DynamoDBv2;
using Amazon.S3;
using ImageRec.Common.Aws;
using ImageRec.IndexBench;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

// `make bench-index` (issue #12's figures): p50/p99 of a page of 50 of one owner's images, newest first, and of a
// page filtered by a rare label, from the image index (ImageIndex.ListAsync: one Query on dynalite) at each size,
// and from the S3 listing the web tier used before the index (S3ListingBaseline) at the smaller sizes. One
// request at a time, so the figures are latencies, not throughput. The lines to read:
//   index_page images=N p50_ms=.. p99_ms=.. label_p50_ms=.. label_p99_ms=..
//   s3_listing_page images=N p50_ms=.. p99_ms=.. label_p50_ms=.. label_p99_ms=..
//   index_page_ratio p99_<largest>_over_p99_<smallest>=X      (issue #12's goal: ≤ 2)
// Lines starting with '#' say how many requests each figure has, and what loading cost.
if (args is ["--help"] or ["-h"])
{
    Console.WriteLine(BenchOptions.Usage);
    return 0;
}
BenchOptions options;
try
{
    options = BenchOptions.Parse(args, Environment.GetEnvironmentVariable("URL"));
}
catch (Exception e) when (e is ArgumentException or FormatException or OverflowException or UriFormatException)
{
    Console.Error.WriteLine($"imagerec-bench-index: {e.Message}\n{BenchOptions.Usage}");
    return 2;
}

// Turns in which the index's timed requests are taken across the sizes.
const int Rounds = 10;
var total = Stopwatch.StartNew();
await using var emulator = await Emulator.StartAsync(options);
var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
{
    ["Aws:Region"] = "us-east-1",
    ["Aws:ServiceUrl"] = emulator.Url.ToString(),
    ["Aws:AccessKeyId"] = "test",
    ["Aws:SecretAccessKey"] = "test",
}).Build();
await using var services = new ServiceCollection().AddLogging().AddImageRecAws(configuration).BuildServiceProvider();
var dynamoDb = services.GetRequiredService<IAmazonDynamoDB>();
var s3 = services.GetRequiredService<IAmazonS3>();

void Say(string line)
{
    Console.WriteLine(line);
    Console.Out.Flush();
}

Say($"# bench-index: emulator {emulator.Description}");
Say($"# pages of {IndexCase.PageSize}, one request at a time. Index: per figure {options.Warmup} warm-up + {options.Pages} timed requests, "
    + $"in {Rounds} turns across the sizes; a page starts after a random image of the listing (or at the newest). "
    + $"S3 listing: at most {options.Pages} requests or {options.S3Budget.TotalSeconds:0} s per figure");

var cases = new List<IndexCase>();
foreach (var size in options.Sizes)
{
    var loaded = await IndexCase.LoadAsync(dynamoDb, emulator.Url, Workload.Create(size, options.Seed), options, CancellationToken.None);
    cases.Add(loaded);
    Say($"# index_load images={size} items={loaded.Loaded} (with {loaded.Workload.Noise.Count} of {Workload.NoiseOwners} other owners) "
        + $"seconds={Timing.Seconds(loaded.LoadTime)} items_per_s={Timing.Rate(loaded.Loaded, loaded.LoadTime)}"
        + (emulator.ResidentMiB() is { } rss ? $" emulator_rss_mib={rss}" : ""));
}
var latencies = await Timing.InTurnsAsync(
    [.. cases.SelectMany(c => new Func<Task>[] { () => c.PageAsync(CancellationToken.None), () => c.LabelPageAsync(CancellationToken.None) })],
    options.Warmup, options.Pages, Math.Min(Rounds, options.Pages));
var p99 = new SortedDictionary<int, double>();
foreach (var (loaded, i) in cases.Select((c, i) => (c, i)))
{
    var (pages, labelPages) = (latencies[2 * i], latencies[2 * i + 1]);
    var workload = loaded.Workload;
    Say($"# index_page images={workload.Images.Count}: {pages.Count} pages, {labelPages.Count} label pages; label \"{workload.RareLabel}\" "
        + $"is the top label of {workload.Rare.Count} images ({workload.RareShare})");
    Say(Line("index_page", workload.Images.Count, pages, labelPages));
    p99[workload.Images.Count] = pages.Percentile(99);
}

foreach (var size in options.S3Sizes)
{
    var workload = Workload.Create(size, options.Seed);
    var result = await new S3Case(s3, options).RunAsync(workload, CancellationToken.None);
    Say($"# s3_load images={size} objects={result.Objects} (inputs and results, with {workload.Noise.Count} images of other owners) "
        + $"seconds={Timing.Seconds(result.LoadTime)} objects_per_s={Timing.Rate(result.Objects, result.LoadTime)}");
    Say($"# s3_listing_page images={size}: {result.Pages.Count} pages, {result.LabelPages.Count} label pages (from the newest; each reads every result)");
    Say(Line("s3_listing_page", size, result.Pages, result.LabelPages));
}

if (p99.Count >= 2)
{
    var (smallest, largest) = (p99.Keys.First(), p99.Keys.Last());
    Say($"index_page_ratio p99_{largest}_over_p99_{smallest}={p99[largest] / p99[smallest]:0.00}");
}
Say($"# total_seconds={Timing.Seconds(total.Elapsed)}");
return 0;

static string Line(string name, int size, Latencies pages, Latencies labelPages) =>
    $"{name} images={size} p50_ms={Latencies.Ms(pages.Percentile(50))} p99_ms={Latencies.Ms(pages.Percentile(99))} "
    + $"label_p50_ms={Latencies.Ms(labelPages.Percentile(50))} label_p99_ms={Latencies.Ms(labelPages.Percentile(99))}";
