using ImageRec.Common.Observability;

namespace ImageRec.Tests.Observability;

/// <summary>
/// Questions only the tests ask of a scrape, on top of the services' own parser (<see cref="PrometheusExposition"/>),
/// so the product keeps just what the operator needs.
/// </summary>
public static class PrometheusExpositionExtensions
{
    /// <summary>The distinct <c>le</c> bounds of a histogram's <c>_bucket</c> series, in order, +Inf last.</summary>
    public static IReadOnlyList<double> BucketBounds(this PrometheusExposition metrics, string histogram) =>
        [.. metrics.Series(histogram + "_bucket").Select(s => PrometheusExposition.ParseNumber(s.Labels["le"])).Distinct().Order()];
}
