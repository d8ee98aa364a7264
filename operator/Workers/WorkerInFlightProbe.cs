using System.Globalization;

namespace ImageRec.Operator.Workers;

/// <summary>
/// Asks a worker how many jobs it holds (its <c>imagerec_worker_in_flight</c> gauge on /metrics), so
/// scale-in can stop idle workers first. A worker that does not answer within a second counts as idle.
/// </summary>
public sealed class WorkerInFlightProbe(HttpClient http)
{
    private const string Gauge = "imagerec_worker_in_flight ";

    public async Task<int> ReadAsync(Uri worker, CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(1));
            var text = await http.GetStringAsync(new Uri(worker, "metrics"), timeout.Token);
            var line = text.Split('\n').FirstOrDefault(l => l.StartsWith(Gauge, StringComparison.Ordinal));
            return line is null ? 0 : (int)double.Parse(line[Gauge.Length..], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or FormatException && !cancellationToken.IsCancellationRequested)
        {
            return 0;
        }
    }
}
