using System.Text.Json.Serialization;

namespace ImageRec.Operator.Kubernetes;

/// <summary>events.k8s.io/v1 Event (the deprecated core/v1 fields are left out).</summary>
public sealed class Event : IKubernetesObject
{
    public string? ApiVersion { get; set; } = "events.k8s.io/v1";

    public string? Kind { get; set; } = "Event";

    public ObjectMeta? Metadata { get; set; }

    /// <summary>Required, MicroTime.</summary>
    [JsonConverter(typeof(KubernetesMicroTimeJsonConverter))]
    public DateTimeOffset? EventTime { get; set; }

    public EventSeries? Series { get; set; }

    public string? ReportingController { get; set; }

    public string? ReportingInstance { get; set; }

    /// <summary>What the controller did or failed to do, e.g. "Scale".</summary>
    public string? Action { get; set; }

    /// <summary>Why, UpperCamelCase, e.g. "ScaledUp".</summary>
    public string? Reason { get; set; }

    public ObjectReference? Regarding { get; set; }

    /// <summary>Human-readable, at most 1 kB.</summary>
    public string? Note { get; set; }

    /// <summary>Normal or Warning.</summary>
    public string? Type { get; set; }
}

public sealed class EventSeries
{
    public int? Count { get; set; }

    [JsonConverter(typeof(KubernetesMicroTimeJsonConverter))]
    public DateTimeOffset? LastObservedTime { get; set; }
}

public static class EventTypes
{
    public const string Normal = "Normal";
    public const string Warning = "Warning";
}
