using ImageRec.LoadGen;

LoadGenOptions options;
try
{
    options = LoadGenOptions.Parse(args);
}
catch (ArgumentException ex)
{
    if (ex.Message.Length > 0) Console.Error.WriteLine($"imagerec-loadgen: {ex.Message}");
    Console.Error.WriteLine(LoadGenOptions.Usage);
    return 2;
}

IReadOnlyList<ImageFile> images;
IReadOnlyDictionary<string, ExpectedLabel>? expected = null;
try
{
    images = ImageFile.LoadFolder(options.Images);
    var expectedPath = options.Expected ?? Path.Combine(options.Images, "expected.csv");
    if (options.Expected is not null || File.Exists(expectedPath)) expected = ExpectedLabels.Load(expectedPath);
}
catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or FormatException)
{
    Console.Error.WriteLine($"imagerec-loadgen: {ex.Message}");
    return 2;
}
Console.Error.WriteLine($"loadgen: {options.Count} requests, concurrency {options.Concurrency}, {options.Mode.Name()} mode, {images.Count} images"
    + (expected is null ? ", answers not checked (no expected.csv)" : $", answers checked against {expected.Count} expected labels"));

using var cancellation = new CancellationTokenSource(TimeSpan.FromSeconds(options.MaxSeconds));
var interrupted = false;
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true; // stop sending, then report what was answered
    interrupted = true;
    cancellation.Cancel();
};

if (options.User is not null)
{
    try
    {
        using var signIn = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        options = options with { Token = await SignIn.PasswordGrantAsync(signIn, options.Url, options.User, CancellationToken.None) };
        Console.Error.WriteLine(options.Token is null ? "loadgen: the web tier runs without sign-in; --user ignored" : $"loadgen: signed in as {options.User}");
    }
    catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException or TaskCanceledException or KeyNotFoundException or System.Text.Json.JsonException)
    {
        Console.Error.WriteLine($"imagerec-loadgen: could not sign in as {options.User}: {ex.Message}");
        return 2;
    }
}

using var client = LoadRunner.CreateClient(options);
var runner = new LoadRunner(client, options, images, expected);
RunResult run;
await using (new Progress(options.Count, () => runner.Snapshot))
{
    run = await runner.RunAsync(cancellation.Token);
}

var report = Report.From(run, options);
var title = options.Title ?? $"{report.Mode}: {report.Requested} images at concurrency {report.Concurrency}";
if (options.Histogram is not null)
{
    WriteFile(options.Histogram, HistogramSvg.Render(run.Records.Select(r => r.LatencyMs).ToList(), title));
}
if (options.Json is not null) WriteFile(options.Json, report.ToJson());
Console.Out.Write(report.ToText());
if (options.Retries > 0) Console.Out.WriteLine($"resent after a 5xx or a connection error: {runner.Retries} (same Idempotency-Key)");
return interrupted ? 130 : report.Ok == report.Requested ? 0 : 1;

static void WriteFile(string path, string text)
{
    var directory = Path.GetDirectoryName(Path.GetFullPath(path));
    if (directory is not null) Directory.CreateDirectory(directory);
    File.WriteAllText(path, text);
}
