using System.Text.Json.Serialization;

namespace ImageRec.Operator.Entities;

/// <summary>Source-generated JSON for the operator's own resources (camelCase, nulls omitted, as the API server stores them).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RecognitionPool))]
[JsonSerializable(typeof(RecognitionPoolList))]
public sealed partial class EntityJson : JsonSerializerContext;
