using System.Net;
using System.Text.Json;

namespace ImageRec.LoadGen;

/// <summary>
/// v1: upload and wait for the result; Harness: the course route; Upload: v1 without waiting (upload throughput);
/// Direct: a presigned upload straight to S3 (POST /v1/uploads, PUT to its URL), then GET the result;
/// DirectUpload: Direct without reading the result (direct-to-S3 upload throughput, to set beside Upload).
/// </summary>
public enum LoadMode { V1, Harness, Upload, Direct, DirectUpload }

public static class LoadModes
{
    /// <summary>The mode as <c>--mode</c> takes it and the report writes it.</summary>
    public static string Name(this LoadMode mode) => mode switch
    {
        LoadMode.DirectUpload => "direct-upload",
        _ => mode.ToString().ToLowerInvariant(),
    };

    public static LoadMode Parse(string value) => value.ToLowerInvariant() switch
    {
        "v1" => LoadMode.V1,
        "harness" => LoadMode.Harness,
        "upload" => LoadMode.Upload,
        "direct" => LoadMode.Direct,
        "direct-upload" => LoadMode.DirectUpload,
        _ => throw new ArgumentException($"--mode: '{value}' is not v1, harness, upload, direct or direct-upload"),
    };

    /// <summary>Whether the mode uploads through a presigned URL (POST /v1/uploads) instead of through the web tier.</summary>
    public static bool IsDirect(this LoadMode mode) => mode is LoadMode.Direct or LoadMode.DirectUpload;
}

/// <summary>A presigned upload as <c>POST /v1/uploads</c> hands it out.</summary>
public sealed record PresignedUpload(string Id, Uri Url, string Method, IReadOnlyDictionary<string, string> Headers);

public enum Verdict { Ok, Wrong, Error }

/// <summary>What one answer was: correct, a wrong label, or an error of some kind (<c>http-503</c>,
/// <c>status-failed</c>, <c>bad-body</c>, an exception's type name…).</summary>
public readonly record struct Outcome(Verdict Verdict, string? ErrorKind = null, string? Detail = null)
{
    public static readonly Outcome Ok = new(Verdict.Ok);
    public static Outcome Wrong(string detail) => new(Verdict.Wrong, null, detail);
    public static Outcome Error(string kind, string? detail = null) => new(Verdict.Error, kind, detail);
}

/// <summary>
/// Checks one HTTP answer against the expected label of the file that was sent. v1: 200 JSON with
/// <c>status: succeeded</c> and <c>labels[0].index</c> equal to the expected class index (a 202 means the
/// result was not ready within <c>wait</c>). Harness: 200 <c>text/plain</c> <c>name:label</c>, name being the
/// file name without its extension. Without an expected entry any well-formed success counts as ok.
/// </summary>
public static class AnswerChecker
{
    public static Outcome Check(LoadMode mode, string fileName, HttpStatusCode status, string body, ExpectedLabel? expected) =>
        mode switch
        {
            LoadMode.V1 or LoadMode.Direct => CheckV1(status, body, expected),
            LoadMode.Upload => CheckUpload(status, body),
            _ => CheckHarness(fileName, status, body, expected),
        };

    /// <summary>Upload mode: the image was accepted and queued (202, <c>status: queued</c>); no label to check yet.</summary>
    public static Outcome CheckUpload(HttpStatusCode status, string body)
    {
        if (status != HttpStatusCode.Accepted) return Outcome.Error($"http-{(int)status}", Shorten(body));
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String && s.GetString() == "queued"
                && document.RootElement.TryGetProperty("id", out _)
                ? Outcome.Ok : Outcome.Error("bad-body", Shorten(body));
        }
        catch (JsonException)
        {
            return Outcome.Error("bad-body", Shorten(body));
        }
    }

    /// <summary>
    /// The answer to <c>POST /v1/uploads</c>: 201 with the presigned PUT (<c>id</c>, <c>url</c>, <c>method</c>,
    /// <c>headers</c>), or the error it is.
    /// </summary>
    public static (PresignedUpload? Upload, Outcome Error) ReadPresignedUpload(HttpStatusCode status, string body)
    {
        if (status != HttpStatusCode.Created) return (null, Outcome.Error($"http-{(int)status}", Shorten(body)));
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String
                && root.TryGetProperty("url", out var url) && Uri.TryCreate(url.GetString(), UriKind.Absolute, out var uri)
                && root.TryGetProperty("method", out var method) && method.ValueKind == JsonValueKind.String)
            {
                var headers = root.TryGetProperty("headers", out var h) && h.ValueKind == JsonValueKind.Object
                    ? h.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String).ToDictionary(p => p.Name, p => p.Value.GetString()!)
                    : [];
                return (new PresignedUpload(id.GetString()!, uri, method.GetString()!, headers), Outcome.Ok);
            }
        }
        catch (JsonException)
        {
        }
        return (null, Outcome.Error("bad-body", Shorten(body)));
    }

    /// <summary>The <c>status</c> of a result body (<c>queued</c>, <c>awaiting-upload</c>, <c>succeeded</c>…), or null.</summary>
    public static string? StatusOf(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("status", out var s)
                && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static Outcome CheckHarness(string fileName, HttpStatusCode status, string body, ExpectedLabel? expected)
    {
        if (status != HttpStatusCode.OK) return Outcome.Error($"http-{(int)status}", Shorten(body));
        var answer = body.Trim();
        var name = Path.GetFileNameWithoutExtension(fileName);
        var colon = answer.IndexOf(':');
        if (colon <= 0 || answer[..colon] != name) return Outcome.Error("bad-body", Shorten(answer));
        if (expected is null) return Outcome.Ok;
        var want = $"{name}:{expected.Label}";
        return answer == want ? Outcome.Ok : Outcome.Wrong($"{fileName}: answered '{answer}', expected '{want}'");
    }

    public static Outcome CheckV1(HttpStatusCode status, string body, ExpectedLabel? expected)
    {
        if (status == HttpStatusCode.Accepted) return Outcome.Error("not-ready-202");
        if (status != HttpStatusCode.OK) return Outcome.Error($"http-{(int)status}", Shorten(body));
        string? state;
        int? index = null;
        string? label = null;
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            state = root.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
            if (root.TryGetProperty("labels", out var labels) && labels.ValueKind == JsonValueKind.Array && labels.GetArrayLength() > 0)
            {
                var top = labels[0];
                if (top.TryGetProperty("index", out var i) && i.TryGetInt32(out var value)) index = value;
                if (top.TryGetProperty("label", out var l) && l.ValueKind == JsonValueKind.String) label = l.GetString();
            }
        }
        catch (JsonException)
        {
            return Outcome.Error("bad-body", Shorten(body));
        }
        if (state == "failed") return Outcome.Error("status-failed", Shorten(body));
        if (state != "succeeded") return Outcome.Error(state is null ? "bad-body" : $"status-{state}", Shorten(body));
        if (index is null) return Outcome.Error("bad-body", "no labels[0].index");
        if (expected is null || index == expected.Index) return Outcome.Ok;
        return Outcome.Wrong($"{expected.File}: answered {index} ({label}), expected {expected.Index} ({expected.Label})");
    }

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "…";
}
