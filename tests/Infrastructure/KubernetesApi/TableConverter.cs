using System.Globalization;
using System.Text.Json.Nodes;

namespace ImageRec.Tests.Infrastructure.KubernetesApi;

/// <summary>
/// meta.k8s.io/v1 Table output, what <c>kubectl get</c> asks for with
/// <c>Accept: application/json;as=Table;v=v1;g=meta.k8s.io</c>
/// (https://kubernetes.io/docs/reference/using-api/api-concepts/#receiving-resources-as-tables).
/// Columns: Name, then the CRD's printer columns (or Age). Rows carry PartialObjectMetadata unless includeObject=Object|None.
/// Simplified: built-in kinds print Name and Age only.
/// </summary>
public static class TableConverter
{
    public const string ContentType = "application/json;as=Table;v=v1;g=meta.k8s.io";

    public static bool IsRequested(string? accept) =>
        accept is not null && accept.Split(',').FirstOrDefault()?.Replace(" ", "") is { } first
        && first.Contains("as=Table", StringComparison.Ordinal) && first.Contains("g=meta.k8s.io", StringComparison.Ordinal);

    public static JsonObject Convert(ResourceType type, IEnumerable<JsonObject> objects, long? resourceVersion, string? includeObject)
    {
        var columns = new JsonArray(new JsonObject
        {
            ["name"] = "Name", ["type"] = "string", ["format"] = "name", ["priority"] = 0,
            ["description"] = "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names",
        });
        foreach (var column in type.PrinterColumns)
            columns.Add(new JsonObject { ["name"] = column.Name, ["type"] = column.Type, ["format"] = column.Format, ["description"] = column.Description, ["priority"] = column.Priority });
        var metadata = new JsonObject();
        if (resourceVersion is not null) metadata["resourceVersion"] = resourceVersion.Value.ToString(CultureInfo.InvariantCulture);
        return new JsonObject
        {
            ["kind"] = "Table",
            ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = metadata,
            ["columnDefinitions"] = columns,
            ["rows"] = new JsonArray([.. objects.Select(o => (JsonNode)Row(type, o, includeObject))]),
        };
    }

    private static JsonObject Row(ResourceType type, JsonObject obj, string? includeObject)
    {
        var cells = new JsonArray(obj["metadata"]?["name"]?.GetValue<string>());
        foreach (var column in type.PrinterColumns) cells.Add(Cell(column, SimpleJsonPath.First(obj, column.JsonPath)));
        var row = new JsonObject { ["cells"] = cells };
        switch (includeObject)
        {
            case "None": break;
            case "Object": row["object"] = obj.DeepClone(); break;
            default:
                row["object"] = new JsonObject { ["kind"] = "PartialObjectMetadata", ["apiVersion"] = "meta.k8s.io/v1", ["metadata"] = obj["metadata"]?.DeepClone() };
                break;
        }
        return row;
    }

    private static JsonNode? Cell(PrinterColumn column, JsonNode? value)
    {
        if (value is null) return null;
        switch (column.Type)
        {
            case "date":
                return DateTimeOffset.TryParse(value.ToString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
                    ? HumanDuration.Since(at, DateTimeOffset.UtcNow) : "<unknown>";
            case "string":
                return value is JsonValue scalar ? scalar.ToString() : value.ToJsonString();
            default:
                return value.DeepClone();
        }
    }
}
