using ImageRec.Common.Observability;

namespace ImageRec.Operator.Workers;

/// <summary>
/// Asks a worker how many jobs it holds (its <c>imagerec_worker_in_flight</c> gauge on /metrics), so
/// scale-in can stop idle workers first. The page is parsed, not matched by prefix: the exporter labels every
/// series (<c>otel_scope_name</c>) and other metrics share the gauge's name as a prefix, so the gauge is the sum
/// of the samples named exactly that. A worker that does not answer within a second, or answers with something
/// that is not the exposition format, counts as idle.
/// </summary>
public sealed class WorkerInFlightProbe(HttpClient http)
{
    private const string Gauge = "imagerec_worker_in_flight";

    public async Task<int> ReadAsync(Uri worker, CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(1));
            var text = await http.GetStringAsync(new Uri(worker, "metrics"), timeout.Token);
            return (int)PrometheusExposition.Parse(text).Sum(Gauge);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or FormatException && !cancellationToken.IsCancellationRequested)
        {
            return 0;
        }
    }
}
