namespace ImageRec.Common.Index;

/// <summary>What recording a job's outcome in the index did.</summary>
public enum IndexCompletion
{
    /// <summary>The queued image now holds the outcome.</summary>
    Recorded,
    /// <summary>The image already held an outcome (another copy of the job, or this one's earlier attempt): it stays.</summary>
    AlreadyFinished,
    /// <summary>The image is not in the index: its owner deleted it meanwhile.</summary>
    ImageGone,
}
