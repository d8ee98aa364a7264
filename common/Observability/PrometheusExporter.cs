using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace ImageRec.Common.Observability;

/// <summary>
/// Collects System.Diagnostics.Metrics instruments of our meters and renders them in the Prometheus
/// text exposition format 0.0.4 (https://prometheus.io/docs/instrumenting/exposition_formats/).
/// prometheus-net and OpenTelemetry's Prometheus exporter are not available to this build; this is
/// the small piece we need: counters, up-down counters, gauges and histograms with explicit buckets.
/// Instrument names are used as Prometheus metric names, so name instruments in snake_case with the
/// unit as suffix (e.g. <c>imagerec_inference_seconds</c>); counters get <c>_total</c> appended.
/// </summary>
public sealed class PrometheusExporter : IDisposable
{
    /// <summary>Latency buckets in seconds, used when an instrument gives no bucket advice.</summary>
    private static readonly double[] DefaultSecondsBuckets =
        [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<Instrument, InstrumentState> _instruments = new();
    private readonly string _meterPrefix;

    public PrometheusExporter(string meterPrefix = "ImageRec")
    {
        _meterPrefix = meterPrefix;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (!instrument.Meter.Name.StartsWith(_meterPrefix, StringComparison.Ordinal)) return;
            _instruments.TryAdd(instrument, InstrumentState.For(instrument));
            listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.Start();
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (_instruments.TryGetValue(instrument, out var state))
            state.Record(value, LabelSet.Format(tags));
    }

    /// <summary>Writes every collected series. Observable instruments are sampled now.</summary>
    public string Scrape()
    {
        foreach (var state in _instruments.Values) state.ResetObservations();
        _listener.RecordObservableInstruments();

        var text = new StringBuilder(4096);
        foreach (var state in _instruments.Values.OrderBy(s => s.Name, StringComparer.Ordinal))
            state.WriteTo(text);
        return text.ToString();
    }

    public void Dispose() => _listener.Dispose();

    private abstract class InstrumentState(Instrument instrument)
    {
        public string Name { get; } = instrument.Name;
        protected string Help { get; } = instrument.Description ?? instrument.Name;
        protected bool IsObservable { get; } = instrument.IsObservable;

        public static InstrumentState For(Instrument instrument) => instrument switch
        {
            Histogram<double> h => new HistogramState(h, h.Advice?.HistogramBucketBoundaries?.ToArray() ?? DefaultSecondsBuckets),
            Histogram<long> h => new HistogramState(h, h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray() ?? DefaultSecondsBuckets),
            Histogram<int> h => new HistogramState(h, h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray() ?? DefaultSecondsBuckets),
            _ when IsMonotonic(instrument) => new SumState(instrument, "counter", instrument.Name + "_total"),
            _ => new SumState(instrument, "gauge", instrument.Name),
        };

        private static bool IsMonotonic(Instrument instrument)
        {
            var definition = instrument.GetType().IsGenericType ? instrument.GetType().GetGenericTypeDefinition() : null;
            return definition == typeof(Counter<>) || definition == typeof(ObservableCounter<>);
        }

        public abstract void Record(double value, string labels);
        public abstract void WriteTo(StringBuilder text);

        /// <summary>Observable instruments report absolute values on each scrape; forget the previous ones.</summary>
        public virtual void ResetObservations() { }
    }

    private sealed class SumState(Instrument instrument, string type, string metricName) : InstrumentState(instrument)
    {
        private readonly ConcurrentDictionary<string, double> _series = new();
        // Synchronous up-down counters and counters accumulate; observable instruments report totals.
        private readonly bool _accumulates = !instrument.IsObservable;

        public override void Record(double value, string labels)
        {
            if (_accumulates) _series.AddOrUpdate(labels, value, (_, old) => old + value);
            else _series[labels] = value;
        }

        public override void ResetObservations()
        {
            if (!_accumulates) _series.Clear();
        }

        public override void WriteTo(StringBuilder text)
        {
            if (_series.IsEmpty) return;
            text.Append("# HELP ").Append(metricName).Append(' ').Append(Escape(Help)).Append('\n');
            text.Append("# TYPE ").Append(metricName).Append(' ').Append(type).Append('\n');
            foreach (var (labels, value) in _series.OrderBy(p => p.Key, StringComparer.Ordinal))
                text.Append(metricName).Append(Braced(labels)).Append(' ').Append(Number(value)).Append('\n');
        }
    }

    private sealed class HistogramState(Instrument instrument, double[] bounds) : InstrumentState(instrument)
    {
        private readonly ConcurrentDictionary<string, Series> _series = new();

        private sealed class Series(int buckets)
        {
            public readonly long[] Counts = new long[buckets + 1];
            public double Sum;
            public long Count;
        }

        public override void Record(double value, string labels)
        {
            var series = _series.GetOrAdd(labels, _ => new Series(bounds.Length));
            var bucket = Array.BinarySearch(bounds, value);
            if (bucket < 0) bucket = ~bucket; // first bound >= value ("le" semantics)
            lock (series)
            {
                series.Counts[bucket]++;
                series.Sum += value;
                series.Count++;
            }
        }

        public override void WriteTo(StringBuilder text)
        {
            if (_series.IsEmpty) return;
            text.Append("# HELP ").Append(Name).Append(' ').Append(Escape(Help)).Append('\n');
            text.Append("# TYPE ").Append(Name).Append(" histogram\n");
            foreach (var (labels, series) in _series.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                long[] counts;
                double sum;
                long count;
                lock (series) { counts = (long[])series.Counts.Clone(); sum = series.Sum; count = series.Count; }

                long cumulative = 0;
                for (var i = 0; i < bounds.Length; i++)
                {
                    cumulative += counts[i];
                    text.Append(Name).Append("_bucket").Append(Braced(labels, $"le=\"{Number(bounds[i])}\""))
                        .Append(' ').Append(cumulative).Append('\n');
                }
                text.Append(Name).Append("_bucket").Append(Braced(labels, "le=\"+Inf\"")).Append(' ').Append(count).Append('\n');
                text.Append(Name).Append("_sum").Append(Braced(labels)).Append(' ').Append(Number(sum)).Append('\n');
                text.Append(Name).Append("_count").Append(Braced(labels)).Append(' ').Append(count).Append('\n');
            }
        }
    }

    private static string Braced(string labels, string? extra = null)
    {
        if (extra is not null) labels = labels.Length == 0 ? extra : labels + "," + extra;
        return labels.Length == 0 ? "" : "{" + labels + "}";
    }

    private static string Number(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private static string Escape(string help) => help.Replace("\\", "\\\\").Replace("\n", "\\n");

    /// <summary>Tag sets rendered once per measurement as a sorted, escaped label list (the series key).</summary>
    private static class LabelSet
    {
        public static string Format(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            if (tags.IsEmpty) return "";
            var sorted = tags.ToArray();
            Array.Sort(sorted, (a, b) => string.CompareOrdinal(a.Key, b.Key));
            var text = new StringBuilder();
            foreach (var (key, value) in sorted)
            {
                if (text.Length > 0) text.Append(',');
                text.Append(Sanitize(key)).Append("=\"")
                    .Append(Convert.ToString(value, CultureInfo.InvariantCulture)?
                        .Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n"))
                    .Append('"');
            }
            return text.ToString();
        }

        private static string Sanitize(string key) =>
            string.Create(key.Length, key, (span, k) =>
            {
                for (var i = 0; i < k.Length; i++) span[i] = char.IsAsciiLetterOrDigit(k[i]) ? k[i] : '_';
            });
    }
}
