using System.Globalization;
using System.Security;
using System.Text;

namespace ImageRec.LoadGen;

/// <summary>
/// A latency histogram as a self-contained SVG, built as a string: <see cref="Bins"/> buckets of equal
/// width on a logarithmic latency axis between the fastest and the slowest request (latencies spread
/// over decades under load), a count axis, and dashed markers at p50 and p99. Each bar is a
/// <c>&lt;rect class="bar"&gt;</c>, empty buckets included (height 0), so a reader can count them.
/// </summary>
public static class HistogramSvg
{
    public const int DefaultBins = 40;
    private const int Width = 800, Height = 420, Left = 64, Right = 24, Top = 48, Bottom = 56;
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Bucket counts over [lo, hi] on a log scale; returns the edges (bins + 1) and counts.</summary>
    public static (double[] Edges, int[] Counts) Bucket(IReadOnlyList<double> latenciesMs, int bins)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        var (lo, hi) = Range(latenciesMs);
        double logLo = Math.Log10(lo), logHi = Math.Log10(hi);
        var edges = new double[bins + 1];
        for (var i = 0; i <= bins; i++) edges[i] = Math.Pow(10, logLo + (logHi - logLo) * i / bins);
        var counts = new int[bins];
        foreach (var value in latenciesMs)
        {
            var position = (Math.Log10(Math.Max(value, lo)) - logLo) / (logHi - logLo) * bins;
            counts[Math.Clamp((int)Math.Floor(position), 0, bins - 1)]++;
        }
        return (edges, counts);
    }

    public static string Render(IReadOnlyList<double> latenciesMs, string title, int bins = DefaultBins)
    {
        var stats = LatencyStats.From(latenciesMs);
        var (edges, counts) = Bucket(latenciesMs, bins);
        double lo = edges[0], hi = edges[^1], logLo = Math.Log10(lo), logHi = Math.Log10(hi);
        var maxCount = Math.Max(1, counts.Length == 0 ? 1 : counts.Max());
        var yMax = NiceCeiling(maxCount);
        const double plotW = Width - Left - Right, plotH = Height - Top - Bottom;
        double X(double ms) => Left + (Math.Log10(Math.Clamp(ms, lo, hi)) - logLo) / (logHi - logLo) * plotW;
        double Y(double count) => Top + plotH - count / yMax * plotH;

        var svg = new StringBuilder();
        svg.Append(Inv, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        svg.Append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        svg.Append(Inv, $"<text x=\"{Width / 2}\" y=\"20\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">{Escape(title)}</text>\n");
        svg.Append(Inv, $"<text x=\"{Width / 2}\" y=\"38\" text-anchor=\"middle\" fill=\"#555\">n={stats.Count}  mean {F(stats.Mean)} ms  p50 {F(stats.P50)} ms  p90 {F(stats.P90)} ms  p99 {F(stats.P99)} ms  max {F(stats.Max)} ms</text>\n");

        // Grid lines and count ticks.
        for (var i = 0; i <= 5; i++)
        {
            var value = yMax * i / 5.0;
            var y = Y(value);
            svg.Append(Inv, $"<line x1=\"{Left}\" y1=\"{F(y)}\" x2=\"{Width - Right}\" y2=\"{F(y)}\" stroke=\"#e5e5e5\"/>\n");
            svg.Append(Inv, $"<text x=\"{Left - 6}\" y=\"{F(y + 4)}\" text-anchor=\"end\">{F(value)}</text>\n");
        }

        // Bars.
        svg.Append("<g fill=\"#4c78a8\">\n");
        for (var i = 0; i < counts.Length; i++)
        {
            double x0 = X(edges[i]), x1 = X(edges[i + 1]), y = Y(counts[i]);
            svg.Append(Inv, $"<rect class=\"bar\" x=\"{F(x0 + 0.5)}\" y=\"{F(y)}\" width=\"{F(Math.Max(0, x1 - x0 - 1))}\" height=\"{F(Top + plotH - y)}\"><title>{F(edges[i])}–{F(edges[i + 1])} ms: {counts[i]}</title></rect>\n");
        }
        svg.Append("</g>\n");

        // Axes.
        svg.Append(Inv, $"<line x1=\"{Left}\" y1=\"{Top + plotH}\" x2=\"{Width - Right}\" y2=\"{Top + plotH}\" stroke=\"black\"/>\n");
        svg.Append(Inv, $"<line x1=\"{Left}\" y1=\"{Top}\" x2=\"{Left}\" y2=\"{Top + plotH}\" stroke=\"black\"/>\n");
        foreach (var tick in LogTicks(lo, hi))
        {
            var x = X(tick);
            svg.Append(Inv, $"<line x1=\"{F(x)}\" y1=\"{Top + plotH}\" x2=\"{F(x)}\" y2=\"{Top + plotH + 5}\" stroke=\"black\"/>\n");
            svg.Append(Inv, $"<text x=\"{F(x)}\" y=\"{Top + plotH + 18}\" text-anchor=\"middle\">{F(tick)}</text>\n");
        }
        svg.Append(Inv, $"<text x=\"{Left + plotW / 2}\" y=\"{Height - 12}\" text-anchor=\"middle\">latency (ms, log scale)</text>\n");
        svg.Append(Inv, $"<text x=\"16\" y=\"{Top + plotH / 2}\" text-anchor=\"middle\" transform=\"rotate(-90 16 {Top + plotH / 2})\">requests</text>\n");

        // Percentile markers.
        if (stats.Count > 0)
        {
            foreach (var (name, value, colour) in new[] { ("p50", stats.P50, "#2ca02c"), ("p99", stats.P99, "#d62728") })
            {
                var x = X(value);
                svg.Append(Inv, $"<line class=\"marker\" x1=\"{F(x)}\" y1=\"{Top}\" x2=\"{F(x)}\" y2=\"{Top + plotH}\" stroke=\"{colour}\" stroke-width=\"2\" stroke-dasharray=\"6 4\"/>\n");
                var nearRight = x > Left + plotW * 0.75; // keep the label inside the plot
                svg.Append(Inv, $"<text x=\"{F(nearRight ? x - 4 : x + 4)}\" y=\"{(name == "p50" ? Top + 12 : Top + 26)}\" text-anchor=\"{(nearRight ? "end" : "start")}\" fill=\"{colour}\">{name} {F(value)} ms</text>\n");
            }
        }
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static (double Lo, double Hi) Range(IReadOnlyList<double> values)
    {
        if (values.Count == 0) return (1, 10);
        double lo = Math.Max(values.Min(), 0.01), hi = Math.Max(values.Max(), lo);
        if (hi / lo < 1.5) { var mid = Math.Sqrt(lo * hi); lo = mid / 1.25; hi = mid * 1.25; } // all alike: widen
        return (lo, hi);
    }

    /// <summary>1-2-5 ticks within [lo, hi].</summary>
    internal static IEnumerable<double> LogTicks(double lo, double hi)
    {
        for (var decade = Math.Pow(10, Math.Floor(Math.Log10(lo))); decade <= hi; decade *= 10)
            foreach (var m in new[] { 1.0, 2.0, 5.0 })
                if (decade * m >= lo && decade * m <= hi) yield return decade * m;
    }

    private static double NiceCeiling(int value)
    {
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(value)));
        foreach (var m in new[] { 1.0, 2.0, 2.5, 5.0, 10.0 })
            if (m * magnitude >= value) return m * magnitude;
        return 10 * magnitude;
    }

    private static string F(double value) => value.ToString(value >= 100 ? "0" : value >= 10 ? "0.#" : "0.##", Inv);
    private static string Escape(string text) => SecurityElement.Escape(text) ?? "";
}
