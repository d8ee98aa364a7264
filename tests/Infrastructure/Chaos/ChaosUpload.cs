using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace ImageRec.Tests.Infrastructure.Chaos;

/// <summary>How one upload ended, as its client saw it.</summary>
public enum UploadOutcomeKind
{
    /// <summary>202: queued, with an id to poll.</summary>
    Accepted,

    /// <summary>200: the result came with the answer (<c>?wait=</c>).</summary>
    Completed,

    /// <summary>A 5xx problem+json with a <c>reason</c> and Retry-After: nothing to do but retry later.</summary>
    RetryableError,

    /// <summary>The connection was refused or closed before an answer (the web tier went away).</summary>
    ConnectionClosed,

    /// <summary>Anything else (a bare 500, a 5xx without Retry-After, no answer within the client's patience): a defect.</summary>
    Unexpected,
}

public sealed record UploadOutcome(UploadOutcomeKind Kind, ExpectedLabel Image, string? Id, string? Result, string Description, TimeSpan Elapsed);

/// <summary>A chaos test's client: uploads one of the labelled test images and classifies what came back.</summary>
public static class ChaosUpload
{
    /// <summary>Longer than any upload may take even while dependencies are slow: past it the client calls it a hang.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);

    private static readonly IReadOnlyList<ExpectedLabel> Expected = ExpectedLabel.Load();
    private static readonly Dictionary<string, byte[]> Bytes = Expected.ToDictionary(e => e.File, e => File.ReadAllBytes(RepositoryPaths.SharedFile("testdata", "images", e.File)));

    /// <summary>The n-th of the labelled test images, round robin.</summary>
    public static ExpectedLabel Image(int n) => Expected[n % Expected.Count];

    /// <param name="idempotencyKey">Sent as the Idempotency-Key header: a retry with the same key gets the first attempt's job.</param>
    public static async Task<UploadOutcome> SendAsync(HttpClient http, Uri webTier, ExpectedLabel image, int waitSeconds = 0, string? idempotencyKey = null)
    {
        var file = new ByteArrayContent(Bytes[image.File]);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        using var form = new MultipartFormDataContent { { file, "image", image.File } };
        using var patience = new CancellationTokenSource(Patience);
        var started = System.Diagnostics.Stopwatch.StartNew();
        UploadOutcome Outcome(UploadOutcomeKind kind, string description, string? id = null, string? result = null) =>
            new(kind, image, id, result, description, started.Elapsed);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(webTier, waitSeconds > 0 ? $"v1/images?wait={waitSeconds}" : "v1/images")) { Content = form };
            if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", $"\"{idempotencyKey}\"");
            using var response = await http.SendAsync(request, patience.Token);
            var body = await response.Content.ReadAsStringAsync(patience.Token);
            var status = (int)response.StatusCode;
            switch (response.StatusCode)
            {
                case HttpStatusCode.Accepted:
                    return Outcome(UploadOutcomeKind.Accepted, "202", JsonDocument.Parse(body).RootElement.GetProperty("id").GetString());
                case HttpStatusCode.OK:
                    return Outcome(UploadOutcomeKind.Completed, "200", JsonDocument.Parse(body).RootElement.GetProperty("id").GetString(), body);
                case >= HttpStatusCode.InternalServerError when IsRetryableProblem(response, body, out var reason):
                    return Outcome(UploadOutcomeKind.RetryableError, $"{status} {reason}");
                default:
                    return Outcome(UploadOutcomeKind.Unexpected, $"{status} {response.Content.Headers.ContentType} Retry-After={response.Headers.RetryAfter} {body}");
            }
        }
        catch (HttpRequestException e)
        {
            return Outcome(UploadOutcomeKind.ConnectionClosed, e.HttpRequestError.ToString());
        }
        catch (OperationCanceledException) when (patience.IsCancellationRequested)
        {
            return Outcome(UploadOutcomeKind.Unexpected, $"no answer within {Patience.TotalSeconds:0} s");
        }
    }

    private static bool IsRetryableProblem(HttpResponseMessage response, string body, out string? reason)
    {
        reason = null;
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json" || response.Headers.RetryAfter is null) return false;
        try
        {
            reason = JsonDocument.Parse(body).RootElement.TryGetProperty("reason", out var r) ? r.GetString() : null;
        }
        catch (JsonException)
        {
            return false;
        }
        return !string.IsNullOrEmpty(reason);
    }
}
