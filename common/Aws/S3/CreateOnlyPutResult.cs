namespace ImageRec.Common.Aws.S3;

/// <summary>How a create-only PutObject (<see cref="S3CreateOnlyPut.PutIfAbsentAsync"/>) ended.</summary>
public enum CreateOnlyPutResult
{
    /// <summary>No object had the key; this request stored its object.</summary>
    Created,

    /// <summary>412 PreconditionFailed: another request had already stored an object under the key; nothing was written.</summary>
    AlreadyExists,

    /// <summary>
    /// 409 ConditionalRequestConflict: another write to the key was in progress; nothing was written. The other
    /// write may yet succeed or fail: read the key, or try again.
    /// </summary>
    Conflict,
}
