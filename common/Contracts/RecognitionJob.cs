using System.Text.Json.Serialization;

namespace ImageRec.Common.Contracts;

/// <summary>
/// The message the web tier puts on the request queue: one image to classify.
/// Versioned (<see cref="V"/>) so a worker can refuse a shape it does not understand
/// instead of guessing.
/// </summary>
public sealed record RecognitionJob
{
    public const int CurrentVersion = 1;

    [JsonPropertyName("v")] public int V { get; init; } = CurrentVersion;
    public required string Id { get; init; }
    public required string Owner { get; init; }
    public required ObjectLocation Input { get; init; }
    /// <summary>Queue URL of the web tier replica waiting for the answer; null when nobody waits.</summary>
    public string? ReplyTo { get; init; }
    public required DateTimeOffset SubmittedAt { get; init; }
    /// <summary>W3C trace context of the upload, so the worker's span joins the request's trace.</summary>
    public string? Traceparent { get; init; }
    /// <summary>File name the user uploaded (without path); kept for the course-compatible answer and the gallery.</summary>
    public string? FileName { get; init; }
}

public sealed record ObjectLocation(string Bucket, string Key);
