using System.Diagnostics;

namespace ImageRec.Common.Observability;

/// <summary>
/// The services' ActivitySource and the W3C trace context a job carries from the upload, through the
/// queue, to the worker and its result (https://www.w3.org/TR/trace-context/).
/// </summary>
public static class Tracing
{
    public const string SourceName = "ImageRec";

    public static ActivitySource Source { get; } = new(SourceName);

    /// <summary>The current activity's traceparent, or a new root one, so every job can be followed even without a tracer.</summary>
    public static string CurrentOrNewTraceparent() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C, Id: { } id } ? id
            : $"00-{ActivityTraceId.CreateRandom().ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-00";

    /// <summary>The trace-id part of a traceparent, or null when it is not one.</summary>
    public static string? TraceId(string? traceparent) =>
        ActivityContext.TryParse(traceparent, null, out var context) ? context.TraceId.ToHexString() : null;
}
