using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ImageRec.Operator.Kubernetes;

/// <summary>
/// util/intstr IntOrString: a JSON number or a string, e.g. a PodDisruptionBudget's
/// <c>maxUnavailable: 1</c> or <c>"25%"</c>, or a probe's named port.
/// </summary>
[JsonConverter(typeof(IntOrStringJsonConverter))]
public readonly record struct IntOrString
{
    private IntOrString(int? intValue, string? stringValue)
    {
        IntValue = intValue;
        StringValue = stringValue;
    }

    public int? IntValue { get; }

    public string? StringValue { get; }

    public bool IsInt => IntValue.HasValue;

    public static IntOrString FromInt(int value) => new(value, null);

    public static IntOrString FromString(string value) => new(null, value);

    public static implicit operator IntOrString(int value) => FromInt(value);

    public static implicit operator IntOrString(string value) => FromString(value);

    public override string ToString() => IntValue?.ToString(CultureInfo.InvariantCulture) ?? StringValue ?? "";
}

public sealed class IntOrStringJsonConverter : JsonConverter<IntOrString>
{
    public override IntOrString Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.Number => IntOrString.FromInt(reader.GetInt32()),
        JsonTokenType.String => IntOrString.FromString(reader.GetString()!),
        _ => throw new JsonException($"IntOrString expects a number or a string, not {reader.TokenType}."),
    };

    public override void Write(Utf8JsonWriter writer, IntOrString value, JsonSerializerOptions options)
    {
        if (value.IntValue is { } number)
        {
            writer.WriteNumberValue(number);
        }
        else
        {
            writer.WriteStringValue(value.StringValue);
        }
    }
}
