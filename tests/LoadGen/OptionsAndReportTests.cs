using ImageRec.LoadGen;

namespace ImageRec.Tests.LoadGen;

public sealed class OptionsAndReportTests
{
    [Fact]
    public void Parses_every_option_in_both_spellings()
    {
        var options = LoadGenOptions.Parse(["--url", "http://h:81", "--images=imgs", "--count", "1000", "--concurrency=100",
            "--mode", "harness", "--wait", "10", "--expected", "e.csv", "--histogram", "h.svg", "--json", "r.json", "--max-seconds", "60"]);
        Assert.Equal(new Uri("http://h:81"), options.Url);
        Assert.Equal(("imgs", 1000, 100, LoadMode.Harness, 10), (options.Images, options.Count, options.Concurrency, options.Mode, options.WaitSeconds));
        Assert.Equal(("e.csv", "h.svg", "r.json", 60), (options.Expected, options.Histogram, options.Json, options.MaxSeconds));
    }

    [Theory]
    [InlineData("--count", "0")]
    [InlineData("--mode", "grpc")]
    [InlineData("--url", "not a url")]
    [InlineData("--bogus", "1")]
    [InlineData("--count")]
    public void Refuses_bad_arguments(params string[] extra) =>
        Assert.Throws<ArgumentException>(() => LoadGenOptions.Parse(["--images", "x", .. extra]));

    [Fact]
    public void A_token_or_a_user_to_sign_in_as_but_not_both()
    {
        Assert.Equal("abc.def.ghi", LoadGenOptions.Parse(["--images", "x", "--token", "abc.def.ghi"]).Token);
        Assert.Equal("alice", LoadGenOptions.Parse(["--images", "x", "--user=alice"]).User);
        Assert.Throws<ArgumentException>(() => LoadGenOptions.Parse(["--images", "x", "--token", "t", "--user", "alice"]));
    }

    [Fact]
    public void The_token_is_sent_as_a_bearer_token()
    {
        using var client = LoadRunner.CreateClient(LoadGenOptions.Parse(["--images", "x", "--token", "abc.def.ghi"]));
        Assert.Equal("Bearer abc.def.ghi", client.DefaultRequestHeaders.Authorization?.ToString());
        using var anonymous = LoadRunner.CreateClient(LoadGenOptions.Parse(["--images", "x"]));
        Assert.Null(anonymous.DefaultRequestHeaders.Authorization);
    }

    [Fact]
    public void Images_are_required() => Assert.Throws<ArgumentException>(() => LoadGenOptions.Parse(["--count", "5"]));

    [Fact]
    public void Report_counts_verdicts_and_errors_by_kind_and_ends_with_the_machine_line()
    {
        var options = LoadGenOptions.Parse(["--images", "x", "--mode", "harness", "--count", "5", "--concurrency", "5"]);
        RequestRecord[] records =
        [
            new(0, "img_00.jpg", 100, Outcome.Ok),
            new(1, "img_01.jpg", 200, Outcome.Ok),
            new(2, "img_02.jpg", 300, Outcome.Wrong("img_02.jpg: answered 'img_02:x', expected 'img_02:garden spider'")),
            new(3, "img_03.jpg", 400, Outcome.Error("http-503")),
            new(4, "img_04.jpg", 500, Outcome.Error("http-503")),
        ];
        var report = Report.From(new RunResult(records, 5, 2.0, false), options);
        Assert.Equal((2, 1, 2), (report.Ok, report.Wrong, report.Errors));
        Assert.Equal(2, report.ErrorsByKind["http-503"]);
        Assert.Equal(2.5, report.Rps);
        Assert.Equal(300, report.Latency.Mean);
        Assert.Equal(
            "loadgen mode=harness images=5 concurrency=5 ok=2 wrong=1 errors=2 seconds=2.000 rps=2.5 mean_ms=300.0 p50_ms=300.0 p90_ms=500.0 p99_ms=500.0 max_ms=500.0",
            report.MachineLine());
        var text = report.ToText();
        Assert.EndsWith(report.MachineLine() + "\n", text, StringComparison.Ordinal);
        Assert.Contains("http-503: 2", text, StringComparison.Ordinal);
        Assert.Contains("\"errorsByKind\"", report.ToJson(), StringComparison.Ordinal);
    }
}
