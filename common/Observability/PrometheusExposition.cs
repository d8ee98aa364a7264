using System.Globalization;
using System.Text;

namespace ImageRec.Common.Observability;

/// <summary>
/// A scraped <c>/metrics</c> page read as Prometheus reads it (text format 0.0.4,
/// https://prometheus.io/docs/instrumenting/exposition_formats/): <c># TYPE</c> lines and samples
/// <c>name{label="value",...} value [timestamp]</c>, asked for series by name and labels.
/// <para>Why a parser and not a line prefix: the exporter (<see cref="MetricsExport"/>) labels every series
/// (<c>otel_scope_name</c>), orders labels as it likes and shares name prefixes between metrics
/// (<c>x</c>, <c>x_total</c>, <c>x_bucket</c>), so matching text misses or mixes series. Why here: the operator
/// reads workers' in-flight gauge with it (scale-in spares busy workers), and the tests read every scrape with
/// the same one, so what they check is what the operator sees.</para>
/// <para>What is not the format (a worker's error page, a cut-off line) throws <see cref="FormatException"/>.</para>
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
            var line = raw.Trim();
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

    /// <summary>A sample value or a histogram bound (<c>le</c>): a float, <c>+Inf</c>, <c>-Inf</c> or <c>NaN</c>.</summary>
    internal static double ParseNumber(string text) => text switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    private static Sample ParseSample(string line)
    {
        var i = 0;
        while (i < line.Length && line[i] is not ('{' or ' ' or '\t')) i++;
        var name = line[..i];
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (i < line.Length && line[i] == '{')
        {
            i++;
            while (At(line, i) != '}')
            {
                var equals = line.IndexOf('=', i);
                if (equals < 0) throw NotASample(line);
                var label = line[i..equals].Trim();
                i = equals + 1;
                if (At(line, i) != '"') throw new FormatException($"label {label} has no quoted value: {line}");
                i++;
                var value = new StringBuilder();
                while (At(line, i) != '"')
                {
                    if (line[i] == '\\') value.Append(At(line, ++i) switch { 'n' => '\n', var c => c });
                    else value.Append(line[i]);
                    i++;
                }
                labels[label] = value.ToString();
                i++;
                switch (At(line, i))
                {
                    case ',': i++; break;
                    case '}': break;
                    default: throw NotASample(line);
                }
            }
            i++;
        }
        // The value, then an optional timestamp (milliseconds), which no reader here needs.
        var fields = line[i..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (name.Length == 0 || fields.Length is < 1 or > 2) throw NotASample(line);
        return new Sample(name, labels, ParseNumber(fields[0]));
    }

    private static char At(string line, int i) => i < line.Length ? line[i] : throw NotASample(line);

    private static FormatException NotASample(string line) => new($"not a sample: {line}");
}
