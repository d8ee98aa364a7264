using System.Xml.Linq;
using ImageRec.LoadGen;

namespace ImageRec.Tests.LoadGen;

public sealed class HistogramSvgTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static List<double> Latencies()
    {
        var random = new Random(7);
        return Enumerable.Range(0, 1000).Select(_ => Math.Exp(random.NextDouble() * 5 + 2)).ToList(); // ~7 ms .. ~1100 ms
    }

    [Theory]
    [InlineData(1)]
    [InlineData(12)]
    [InlineData(HistogramSvg.DefaultBins)]
    public void Is_well_formed_svg_with_one_bar_per_bucket(int bins)
    {
        var document = XDocument.Parse(HistogramSvg.Render(Latencies(), "harness <100> & more", bins));
        Assert.Equal(Svg + "svg", document.Root!.Name);
        var bars = document.Descendants(Svg + "rect").Where(r => (string?)r.Attribute("class") == "bar").ToList();
        Assert.Equal(bins, bars.Count);
        Assert.All(bars, bar => Assert.True(double.Parse((string)bar.Attribute("height")!, System.Globalization.CultureInfo.InvariantCulture) >= 0));
        Assert.Equal(2, document.Descendants(Svg + "line").Count(l => (string?)l.Attribute("class") == "marker"));
        Assert.Contains(document.Descendants(Svg + "text"), t => t.Value == "harness <100> & more");
        Assert.Contains(document.Descendants(Svg + "text"), t => t.Value.StartsWith("p99 ", StringComparison.Ordinal));
    }

    [Fact]
    public void Buckets_hold_every_value_on_log_edges()
    {
        var latencies = Latencies();
        var (edges, counts) = HistogramSvg.Bucket(latencies, 20);
        Assert.Equal(21, edges.Length);
        Assert.Equal(latencies.Count, counts.Sum());
        Assert.Equal(latencies.Min(), edges[0], 6);
        Assert.Equal(latencies.Max(), edges[^1], 6);
        var ratio = edges[1] / edges[0];
        for (var i = 1; i < edges.Length; i++) Assert.Equal(ratio, edges[i] / edges[i - 1], 6);
    }

    [Fact]
    public void Equal_latencies_and_no_latencies_still_render()
    {
        var same = XDocument.Parse(HistogramSvg.Render(Enumerable.Repeat(100.0, 50).ToList(), "same", 10));
        Assert.Equal(10, same.Descendants(Svg + "rect").Count(r => (string?)r.Attribute("class") == "bar"));
        Assert.Equal(50, HistogramSvg.Bucket(Enumerable.Repeat(100.0, 50).ToList(), 10).Counts.Sum());
        var empty = XDocument.Parse(HistogramSvg.Render([], "none", 5));
        Assert.Equal(5, empty.Descendants(Svg + "rect").Count(r => (string?)r.Attribute("class") == "bar"));
    }
}
