using System.Globalization;

namespace ImageRec.IndexBench;

/// <summary>The command line of <c>imagerec-bench-index</c> (<c>make bench-index</c> passes <c>BENCH_INDEX_ARGS</c>).</summary>
internal sealed record BenchOptions
{
    public const string Usage = """
        imagerec-bench-index [options]   (make bench-index [URL=...] [BENCH_INDEX_ARGS="..."])
          --sizes 100,10000,100000   images of the measured owner, one table each
          --s3-sizes 100,10000       sizes also measured with the S3 listing of before the index (0 or none: skip)
          --pages 1000               timed requests per case, after --warmup untimed ones
          --warmup 200
          --s3-budget-s 60           the S3 listing's cases stop after this many seconds (at least --s3-min-pages)
          --s3-min-pages 5
          --load-concurrency 8       BatchWriteItem / PutObject calls in flight while loading
          --store leveldb|memory     dynalite's store when the bench starts the emulator (leveldb: a temp folder)
          --url URL                  an emulator already running (also the URL environment variable)
          --seed 12                  the workload's random seed
        """;

    public IReadOnlyList<int> Sizes { get; init; } = [100, 10_000, 100_000];
    public IReadOnlyList<int> S3Sizes { get; init; } = [100, 10_000];
    public int Pages { get; init; } = 1000;
    public int Warmup { get; init; } = 200;
    public TimeSpan S3Budget { get; init; } = TimeSpan.FromSeconds(60);
    public int S3MinPages { get; init; } = 5;
    public int LoadConcurrency { get; init; } = 8;
    public bool LevelDb { get; init; } = true;
    public Uri? Url { get; init; }
    public int Seed { get; init; } = 12;

    /// <summary>The options, or an exception whose message says what is wrong.</summary>
    public static BenchOptions Parse(IReadOnlyList<string> args, string? urlFromEnvironment)
    {
        var options = new BenchOptions { Url = urlFromEnvironment is { Length: > 0 } url ? new Uri(url) : null };
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value");
            options = name switch
            {
                "--sizes" => options with { Sizes = Ints(Value()) },
                "--s3-sizes" => options with { S3Sizes = Ints(Value()) },
                "--pages" => options with { Pages = Positive(name, Value()) },
                "--warmup" => options with { Warmup = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "--s3-budget-s" => options with { S3Budget = TimeSpan.FromSeconds(Positive(name, Value())) },
                "--s3-min-pages" => options with { S3MinPages = Positive(name, Value()) },
                "--load-concurrency" => options with { LoadConcurrency = Positive(name, Value()) },
                "--store" => options with
                {
                    LevelDb = Value() switch
                    {
                        "leveldb" => true,
                        "memory" => false,
                        var other => throw new ArgumentException($"--store {other}: leveldb or memory"),
                    },
                },
                "--url" => options with { Url = new Uri(Value()) },
                "--seed" => options with { Seed = int.Parse(Value(), CultureInfo.InvariantCulture) },
                _ => throw new ArgumentException($"unknown option {name}"),
            };
        }
        if (options.Sizes.Count == 0) throw new ArgumentException("--sizes names no size");
        return options;
    }

    private static int[] Ints(string list) => list == "none" ? [] :
        list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => int.Parse(s, NumberStyles.AllowThousands, CultureInfo.InvariantCulture))
            .Where(n => n > 0)
            .ToArray();

    private static int Positive(string name, string value) =>
        int.Parse(value, CultureInfo.InvariantCulture) is var n and > 0 ? n : throw new ArgumentException($"{name} must be positive");
}
