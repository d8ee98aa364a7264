namespace ImageRec.Common.Configuration;

/// <summary>The request queue shared by the web tier (producer) and the workers (consumers). Section <c>Queue</c>.</summary>
public sealed class QueueOptions
{
    public const string Section = "Queue";

    /// <summary>Queue name or full queue URL.</summary>
    public string RequestQueue { get; set; } = "imagerec-requests";
}
