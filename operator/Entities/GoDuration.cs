using System.Globalization;
using System.Text.RegularExpressions;

namespace ImageRec.Operator.Entities;

/// <summary>Durations written the way Kubernetes users write them (Go's time.ParseDuration subset: 500ms, 2s, 1m30s, 1h).</summary>
public static partial class GoDuration
{
    public const string Pattern = "^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$";

    public static TimeSpan Parse(string text)
    {
        if (!WholeRegex().IsMatch(text)) throw new FormatException($"'{text}' is not a duration like 500ms, 2s, 1m30s or 1h");
        var total = TimeSpan.Zero;
        foreach (Match part in PartRegex().Matches(text))
        {
            var value = double.Parse(part.Groups[1].Value, CultureInfo.InvariantCulture);
            total += part.Groups[2].Value switch
            {
                "ms" => TimeSpan.FromMilliseconds(value),
                "s" => TimeSpan.FromSeconds(value),
                "m" => TimeSpan.FromMinutes(value),
                _ => TimeSpan.FromHours(value),
            };
        }
        return total;
    }

    [GeneratedRegex(Pattern)]
    private static partial Regex WholeRegex();

    [GeneratedRegex("([0-9]+(?:\\.[0-9]+)?)(ms|s|m|h)")]
    private static partial Regex PartRegex();
}
