using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ImageRec.Operator.Kubernetes;

/// <summary>
/// meta/v1 Time: RFC 3339 in UTC with whole seconds (<c>2024-05-01T12:00:00Z</c>), the form the API
/// server writes; reading accepts any RFC 3339 offset and fraction.
/// </summary>
public sealed class KubernetesTimeJsonConverter : JsonConverter<DateTimeOffset?>
{
    public override bool HandleNull => false;

    public override DateTimeOffset? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Null ? null : Parse(reader.GetString());

    public override void Write(Utf8JsonWriter writer, DateTimeOffset? value, JsonSerializerOptions options)
    {
        if (value is { } time)
        {
            writer.WriteStringValue(time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        }
        else
        {
            writer.WriteNullValue();
        }
    }

    internal static DateTimeOffset? Parse(string? text) =>
        string.IsNullOrEmpty(text) ? null : DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}

/// <summary>
/// meta/v1 MicroTime: RFC 3339 with exactly six fraction digits (<c>2024-05-01T12:00:00.123456Z</c>).
/// Events' eventTime and Leases' acquire/renew times must be written like this or the server rejects them.
/// </summary>
public sealed class KubernetesMicroTimeJsonConverter : JsonConverter<DateTimeOffset?>
{
    public const string Format = "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'";

    public override bool HandleNull => false;

    public override DateTimeOffset? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Null ? null : KubernetesTimeJsonConverter.Parse(reader.GetString());

    public override void Write(Utf8JsonWriter writer, DateTimeOffset? value, JsonSerializerOptions options)
    {
        if (value is { } time)
        {
            writer.WriteStringValue(ToMicroTime(time));
        }
        else
        {
            writer.WriteNullValue();
        }
    }

    public static string ToMicroTime(DateTimeOffset time) => time.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture);
}
