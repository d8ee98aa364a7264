using System.Text.Json.Serialization;

namespace ImageRec.Common.Contracts;

/// <summary>Source-generated JSON for every message and document the services exchange (camelCase, no nulls).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RecognitionJob))]
[JsonSerializable(typeof(RecognitionResult))]
public sealed partial class ContractJson : JsonSerializerContext;
