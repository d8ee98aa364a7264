using System.Text.Json.Nodes;

namespace ImageRec.Tests.Infrastructure.KubernetesApi;

/// <summary>One metadata.managedFields entry: who (manager), how (Apply or Update), through which subresource, which fields.</summary>
public sealed class ManagedFieldsEntry(string manager, string operation, string apiVersion, string? subresource, string time, FieldSet fields)
{
    public string Manager { get; } = manager;
    public string Operation { get; } = operation;
    public string ApiVersion { get; set; } = apiVersion;
    public string? Subresource { get; } = subresource;
    public string Time { get; set; } = time;
    public FieldSet Fields { get; set; } = fields;

    public bool IsSameManager(string manager, string operation, string? subresource) =>
        Manager == manager && Operation == operation && (Subresource ?? "") == (subresource ?? "");

    /// <summary>How conflict messages name a manager (printManager in k8s.io/apimachinery's managedfields).</summary>
    public string Describe()
    {
        var text = $"\"{Manager}\"";
        if (!string.IsNullOrEmpty(Subresource)) text += $" with subresource \"{Subresource}\"";
        return Operation == "Update" ? $"{text} using {ApiVersion}" : text;
    }

    public JsonObject ToJson()
    {
        var json = new JsonObject { ["manager"] = Manager, ["operation"] = Operation, ["apiVersion"] = ApiVersion, ["time"] = Time, ["fieldsType"] = "FieldsV1", ["fieldsV1"] = Fields.ToFieldsV1() };
        if (!string.IsNullOrEmpty(Subresource)) json["subresource"] = Subresource;
        return json;
    }

    public static List<ManagedFieldsEntry> ReadAll(JsonObject? obj) =>
        (obj?["metadata"]?["managedFields"] as JsonArray)?.OfType<JsonObject>().Select(e => new ManagedFieldsEntry(
            e["manager"]?.GetValue<string>() ?? "", e["operation"]?.GetValue<string>() ?? "Update", e["apiVersion"]?.GetValue<string>() ?? "",
            e["subresource"]?.GetValue<string>(), e["time"]?.GetValue<string>() ?? "", FieldSet.FromFieldsV1(e["fieldsV1"]))).ToList() ?? [];

    public static void WriteAll(JsonObject obj, IEnumerable<ManagedFieldsEntry> entries)
    {
        var metadata = obj["metadata"]!.AsObject();
        var kept = entries.Where(e => e.Fields.Count > 0).Select(e => (JsonNode?)e.ToJson()).ToArray();
        if (kept.Length == 0) metadata.Remove("managedFields");
        else metadata["managedFields"] = new JsonArray(kept);
    }
}
