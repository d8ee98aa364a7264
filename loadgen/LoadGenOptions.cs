using System.Globalization;

namespace ImageRec.LoadGen;

/// <summary>Command-line options; <see cref="Parse"/> is a small hand-written parser
/// (<c>--name value</c> or <c>--name=value</c>).</summary>
public sealed record LoadGenOptions
{
    public Uri Url { get; init; } = new("http://127.0.0.1:8080");
    public string Images { get; init; } = "";
    public int Count { get; init; } = 100;
    public int Concurrency { get; init; } = 10;
    public LoadMode Mode { get; init; } = LoadMode.V1;
    public int WaitSeconds { get; init; } = 30;
    public string? Expected { get; init; }
    public string? Histogram { get; init; }
    public string? Json { get; init; }
    public int MaxSeconds { get; init; } = 600;
    public string? Title { get; init; }
    public string? Token { get; init; }
    public string? User { get; init; }
    public int Retries { get; init; }

    public const string Usage = """
        usage: imagerec-loadgen --url http://127.0.0.1:8080 --images <folder> [options]
          --count N          requests to send; images cycle through the folder (default 100)
          --concurrency C    requests in flight at once (default 10)
          --mode v1|harness|upload|direct|direct-upload
                             v1: POST /v1/images?wait=W, field 'image', JSON answer (default)
                             harness: POST /, field 'inputFile', text/plain 'name:label'
                             upload: POST /v1/images without waiting, 202 queued (upload throughput)
                             direct: POST /v1/uploads, PUT the image to its presigned S3 URL, then
                               GET /v1/images/{id}?wait=W until it is finished; the label is checked as in v1
                             direct-upload: direct without reading the result (direct-to-S3 upload throughput,
                               to compare with upload)
          --wait W           v1 and direct wait in seconds, at most 30 (default 30)
          --expected FILE    expected.csv (default: <images>/expected.csv when present)
          --histogram FILE   write a latency histogram as SVG
          --json FILE        write the report as JSON
          --max-seconds S    stop the run after S seconds (default 600); unsent requests are not counted
          --title TEXT       histogram title
          --token TOKEN      send 'Authorization: Bearer TOKEN' (a web tier with sign-in)
          --retries N        resend an upload up to N times after a 5xx answer or a connection error, with the
                             same Idempotency-Key, so a retry never stores the image twice (default 0);
                             not in the direct modes
          --user NAME        sign in as NAME first: password grant at the web tier's OpenID provider
                             (GET /v1/auth/config); only the local provider of `make run` allows it
        Ctrl-C stops the run and reports what was answered so far.
        """;

    public static LoadGenOptions Parse(IReadOnlyList<string> args)
    {
        var options = new LoadGenOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string name, value;
            var eq = arg.IndexOf('=');
            if (!arg.StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"unexpected argument '{arg}'");
            if (eq > 0) { name = arg[2..eq]; value = arg[(eq + 1)..]; }
            else
            {
                name = arg[2..];
                if (name is "help") throw new ArgumentException("");
                if (i + 1 >= args.Count) throw new ArgumentException($"--{name} needs a value");
                value = args[++i];
            }
            options = name switch
            {
                "url" => options with { Url = Uri.TryCreate(value, UriKind.Absolute, out var url) ? url : throw new ArgumentException($"--url: '{value}' is not an absolute URL") },
                "images" => options with { Images = value },
                "count" => options with { Count = Positive(name, value) },
                "concurrency" => options with { Concurrency = Positive(name, value) },
                "mode" => options with { Mode = LoadModes.Parse(value) },
                "wait" => options with { WaitSeconds = Positive(name, value) },
                "expected" => options with { Expected = value },
                "histogram" => options with { Histogram = value },
                "json" => options with { Json = value },
                "max-seconds" => options with { MaxSeconds = Positive(name, value) },
                "title" => options with { Title = value },
                "token" => options with { Token = value },
                "user" => options with { User = value },
                "retries" => options with { Retries = NonNegative(name, value) },
                _ => throw new ArgumentException($"unknown option --{name}"),
            };
        }
        if (options.Images.Length == 0) throw new ArgumentException("--images is required");
        if (options.Token is not null && options.User is not null) throw new ArgumentException("--token and --user exclude each other");
        return options;
    }

    private static int NonNegative(string name, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 0
            ? n : throw new ArgumentException($"--{name}: '{value}' is not a whole number");

    private static int Positive(string name, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n : throw new ArgumentException($"--{name}: '{value}' is not a positive integer");
}
