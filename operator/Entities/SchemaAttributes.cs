namespace ImageRec.Operator.Entities;

/// <summary>
/// A CEL validation rule (<c>x-kubernetes-validations</c>) on the object this type becomes in the CRD
/// schema. The API server evaluates it on every write, so bad pools are refused at <c>kubectl apply</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Property, AllowMultiple = true)]
public sealed class ValidationRuleAttribute(string rule, string message) : Attribute
{
    public string Rule { get; } = rule;
    public string Message { get; } = message;
}

/// <summary>An <c>additionalPrinterColumns</c> entry: what <c>kubectl get</c> shows for the resource.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class PrinterColumnAttribute(string name, string type, string jsonPath) : Attribute
{
    public string Name { get; } = name;
    public string Type { get; } = type;
    public string JsonPath { get; } = jsonPath;
    public string? Description { get; init; }
    public int Priority { get; init; }
}

/// <summary>The custom resource's identity, read by the CRD generator.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class KubernetesEntityAttribute(string group, string version, string kind, string plural) : Attribute
{
    public string Group { get; } = group;
    public string Version { get; } = version;
    public string Kind { get; } = kind;
    public string Plural { get; } = plural;
    public string[] ShortNames { get; init; } = [];
    public string[] Categories { get; init; } = [];
}

/// <summary>A string field whose value must match the regular expression (<c>pattern</c> in the schema).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class PatternAttribute(string pattern) : Attribute
{
    public string Pattern { get; } = pattern;
}

/// <summary>Keeps unknown fields (<c>x-kubernetes-preserve-unknown-fields</c>) below this property.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class PreserveUnknownFieldsAttribute : Attribute;
