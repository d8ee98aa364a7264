using System.Text.Json.Serialization;

namespace ImageRec.Common.Contracts;

/// <summary>Source-generated JSON for every message and document the services exchange, and the S3 event messages the worker reads (camelCase, no nulls).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RecognitionJob))]
[JsonSerializable(typeof(RecognitionResult))]
[JsonSerializable(typeof(S3EventNotification))] // S3's own messages (S3EventMessage): camelCase too, except where named
[JsonSerializable(typeof(S3TestEvent))]
public sealed partial class ContractJson : JsonSerializerContext;
