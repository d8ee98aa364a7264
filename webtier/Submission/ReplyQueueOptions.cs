namespace ImageRec.WebTier.Submission;

/// <summary>This replica's reply queue. Section <c>ReplyQueue</c>.</summary>
public sealed class ReplyQueueOptions
{
    public const string Section = "ReplyQueue";

    /// <summary>Name prefix; the replica adds its host name and a random suffix.</summary>
    public string Prefix { get; set; } = "imagerec-reply-";

    /// <summary>
    /// Replies nobody reads are dropped after this long. Also bounds what a replica that died without
    /// deleting its queue leaves behind.
    /// </summary>
    public int MessageRetentionSeconds { get; set; } = 300;
}
