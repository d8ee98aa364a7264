using System.Text.Json;
using System.Text.Json.Serialization;

namespace ImageRec.Operator.Entities;

/// <summary>
/// Source-generated JSON for the operator's own resources (camelCase, nulls omitted, as the API server stores them).
/// Their metadata holds untyped JSON (managedFields' fieldsV1), which the client reads as <see cref="JsonElement"/>.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RecognitionPool))]
[JsonSerializable(typeof(RecognitionPoolList))]
[JsonSerializable(typeof(JsonElement))]
public sealed partial class EntityJson : JsonSerializerContext;
