using System.Globalization;
using System.Text.Json.Nodes;

namespace ImageRec.Tests.Infrastructure.Chaos;

/// <summary>
/// A number read from an object in the API double's store, whatever .NET type its node holds: parsed JSON
/// (from a request) and values the store was handed directly read the same, where GetValue&lt;T&gt; would
/// refuse an int read as a long.
/// </summary>
public static class JsonNumber
{
    public static long? Of(JsonNode? node) => node is null ? null : long.Parse(node.ToJsonString(), CultureInfo.InvariantCulture);
}
