namespace ImageRec.Tests.Infrastructure.Chaos;

/// <summary>What <see cref="FaultProxy"/> does to the requests it is given.</summary>
public enum FaultMode
{
    /// <summary>Forward unchanged.</summary>
    PassThrough,

    /// <summary>Answer 503 as the service would when overloaded (SQS ServiceUnavailable, S3 SlowDown); nothing reaches the emulator.</summary>
    Errors,

    /// <summary>Answer S3's 409 ConditionalRequestConflict (another write of the key in progress); nothing reaches the emulator.</summary>
    ConditionalConflict,

    /// <summary>Forward after <see cref="FaultProxy.Latency"/>.</summary>
    Latency,

    /// <summary>
    /// Drop the connection: alternately before the request reaches the emulator (mid-request) and after the
    /// emulator acted on it, half-way through the response (mid-response, the caller cannot tell it happened).
    /// </summary>
    Drop,
}
