namespace ImageRec.Common.Observability;

/// <summary>Trace export. Section <c>Telemetry</c>; the standard OTEL_EXPORTER_OTLP_ENDPOINT also works.</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary>OTLP/HTTP collector base URL (e.g. http://otel-collector:4318); unset means traces are not exported.</summary>
    public string? OtlpEndpoint { get; set; }
}
