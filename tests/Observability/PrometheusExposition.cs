using System.Globalization;
using System.Text;

namespace ImageRec.Tests.Observability;

/// <summary>
/// A scraped <c>/metrics</c> page read as Prometheus reads it (text format 0.0.4,
/// https://prometheus.io/docs/instrumenting/exposition_formats/): <c># TYPE</c> lines and samples
/// <c>name{label="value",...} value [timestamp]</c>. Tests ask it for series by name and labels
/// instead of matching text, so the exporter's label order, extra labels (<c>otel_scope_name</c>) and
/// timestamps do not matter to them.
/// </summary>
public sealed class PrometheusExposition
{
    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

    private PrometheusExposition(IReadOnlyList<Sample> samples, IReadOnlyDictionary<string, string> types)
    {
        Samples = samples;
        Types = types;
    }

    public IReadOnlyList<Sample> Samples { get; }

    /// <summary>Metric family name to its declared type (counter, gauge, histogram, ...).</summary>
    public IReadOnlyDictionary<string, string> Types { get; }

    public static PrometheusExposition Parse(string text)
    {
        var samples = new List<Sample>();
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0) continue;
            if (line.StartsWith('#'))
            {
                var parts = line.Split(' ', 4, StringSplitOptions.RemoveEmptyEntries);
                if (parts is ["#", "TYPE", var family, var type]) types[family] = type.Trim();
                continue;
            }
            samples.Add(ParseSample(line));
        }
        return new PrometheusExposition(samples, types);
    }

    /// <summary>The samples of <paramref name="name"/> whose labels include every one of <paramref name="labels"/>.</summary>
    public IEnumerable<Sample> Series(string name, params (string Name, string Value)[] labels) =>
        Samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Name, out var v) && v == l.Value));

    /// <summary>The sum over <see cref="Series"/>: a counter's total across label sets, 0 when there is none.</summary>
    public double Sum(string name, params (string Name, string Value)[] labels) => Series(name, labels).Sum(s => s.Value);

    /// <summary>The distinct <c>le</c> bounds of a histogram's <c>_bucket</c> series, in order, +Inf last.</summary>
    public IReadOnlyList<double> BucketBounds(string histogram) =>
        [.. Series(histogram + "_bucket").Select(s => ParseNumber(s.Labels["le"])).Distinct().Order()];

    private static Sample ParseSample(string line)
    {
        var i = 0;
        while (i < line.Length && line[i] is not ('{' or ' ')) i++;
        var name = line[..i];
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (i < line.Length && line[i] == '{')
        {
            i++;
            while (line[i] != '}')
            {
                var equals = line.IndexOf('=', i);
                var label = line[i..equals].Trim();
                i = equals + 1;
                if (line[i] != '"') throw new FormatException($"label {label} has no quoted value: {line}");
                i++;
                var value = new StringBuilder();
                while (line[i] != '"')
                {
                    if (line[i] == '\\')
                    {
                        i++;
                        value.Append(line[i] switch { 'n' => '\n', var c => c });
                    }
                    else
                    {
                        value.Append(line[i]);
                    }
                    i++;
                }
                labels[label] = value.ToString();
                i++;
                if (line[i] == ',') i++;
            }
            i++;
        }
        // The value, then an optional timestamp (milliseconds), which the tests do not need.
        var fields = line[i..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length is < 1 or > 2) throw new FormatException($"not a sample: {line}");
        return new Sample(name, labels, ParseNumber(fields[0]));
    }

    private static double ParseNumber(string text) => text switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
    };
}
