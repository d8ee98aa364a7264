namespace ImageRec.Tests.Infrastructure.KubernetesApi;

/// <summary>
/// One column of <c>kubectl get</c> output: a CRD's additionalPrinterColumns entry (simple JSONPath into the object),
/// or the Age column every resource gets.
/// </summary>
public sealed record PrinterColumn(string Name, string Type, string JsonPath, string Description = "", int Priority = 0, string Format = "")
{
    public static PrinterColumn Age { get; } = new("Age", "date", ".metadata.creationTimestamp",
        "CreationTimestamp is a timestamp representing the server time when this object was created.");
}
