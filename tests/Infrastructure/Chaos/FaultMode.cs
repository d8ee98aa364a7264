namespace ImageRec.Tests.Infrastructure.Chaos;

/// <summary>What <see cref="FaultProxy"/> does to the requests it is given.</summary>
public enum FaultMode
{
    /// <summary>Forward unchanged.</summary>
    PassThrough,

    /// <summary>
    /// Answer with <see cref="FaultProxy.ErrorResponse"/> — by default a 503 as SQS or S3 send when overloaded
    /// (ServiceUnavailable, SlowDown); nothing reaches the upstream.
    /// </summary>
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

    /// <summary>
    /// Forward, then cut the connection while the answer is still streaming: answers still open
    /// <see cref="FaultProxy.CutAfter"/> after they started (long-running ones, such as Kubernetes watches)
    /// are cut, and so is every answer already streaming when this mode is set. Short answers complete.
    /// </summary>
    Cut,
}
