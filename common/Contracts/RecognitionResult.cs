using System.Text.Json.Serialization;

namespace ImageRec.Common.Contracts;

/// <summary>
/// What a worker writes to the results bucket as <c>{owner}/{id}.json</c> and sends back on the
/// reply queue. The same document answers <c>GET /v1/images/{id}</c>.
/// </summary>
public sealed record RecognitionResult
{
    public const int CurrentVersion = 1;

    [JsonPropertyName("v")] public int V { get; init; } = CurrentVersion;
    public required string Id { get; init; }
    public required string Owner { get; init; }
    public required JobStatus Status { get; init; }
    public IReadOnlyList<LabelScore> Labels { get; init; } = [];
    public ModelInfo? Model { get; init; }
    public JobTimings? Timings { get; init; }
    /// <summary>Why the job failed, in words a user can act on; null on success.</summary>
    public string? Error { get; init; }
    /// <summary>Why the job failed as one of <see cref="FailureReasons"/>, for programs; null on success.</summary>
    public string? Reason { get; init; }
    public string? FileName { get; init; }
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>W3C traceparent of the worker's span, in the trace the upload started.</summary>
    public string? Traceparent { get; init; }
}

[JsonConverter(typeof(JsonStringEnumConverter<JobStatus>))]
public enum JobStatus
{
    /// <summary>A presigned upload handed out (POST /v1/uploads) whose image has not arrived in S3 yet.</summary>
    [JsonStringEnumMemberName("awaiting-upload")] AwaitingUpload,
    [JsonStringEnumMemberName("queued")] Queued,
    [JsonStringEnumMemberName("succeeded")] Succeeded,
    [JsonStringEnumMemberName("failed")] Failed,
}

/// <param name="Index">Class index in the model's label file (names can repeat, indices cannot).</param>
/// <param name="Score">Softmax probability.</param>
public sealed record LabelScore(int Index, string Label, float Score);

public sealed record ModelInfo(string Name, string Sha256);

/// <summary>Milliseconds spent waiting in the queue, decoding and preprocessing, and in the model.</summary>
public sealed record JobTimings(double Queue, double Decode, double Inference);
