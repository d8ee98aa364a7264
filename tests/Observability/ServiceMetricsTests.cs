using System.Diagnostics;
using ImageRec.Common.Observability;
using ImageRec.Tests.Chaos;
using ImageRec.Tests.Infrastructure;
using ImageRec.Tests.Infrastructure.Chaos;
using Microsoft.AspNetCore.Http;
using Xunit.Abstractions;

namespace ImageRec.Tests.Observability;

/// <summary>
/// The running services serve every metric the chart's Grafana dashboard queries, with the buckets its
/// histogram_quantile panels read. The `make run` stack (web tier, operator in local mode, its workers)
/// classifies an upload end to end, then S3 reads and the operator's queue-depth reads fail for a moment
/// (through the stack's fault proxy), so the error counters the dashboard plots have recorded too; then
/// each service's /metrics is scraped over HTTP and read as Prometheus reads it.
/// </summary>
[Collection(ChaosCollection.Name)]
public sealed class ServiceMetricsTests(ChaosStackFixture stack, ITestOutputHelper output) : IClassFixture<ChaosStackFixture>
{
    private static readonly TimeSpan FaultPatience = TimeSpan.FromSeconds(40);

    [Fact]
    public async Task Every_metric_the_dashboard_queries_is_served_by_a_running_service()
    {
        var upload = await ChaosUpload.SendAsync(stack.Http, stack.WebTier, ChaosUpload.Image(0), waitSeconds: 20);
        Assert.True(upload.Kind == UploadOutcomeKind.Completed, $"upload: {upload.Kind} {upload.Description}\n{stack.Logs()}");

        await RecordErrorsAsync();
        var services = await ScrapeAsync();
        foreach (var (service, metrics) in services)
            output.WriteLine($"{service}: {string.Join(", ", metrics.Types.Keys.Where(k => k.StartsWith("imagerec_", StringComparison.Ordinal)).Order(StringComparer.Ordinal))}");

        // Each service names itself (AddImageRecTracing's resource), so its series can be told apart from the others'.
        foreach (var (service, metrics) in services)
            Assert.NotEmpty(metrics.Series("target_info", ("service_name", "imagerec-" + service.Split(' ')[0])));

        var queried = DashboardQueries.MetricNames();
        Assert.NotEmpty(queried);
        foreach (var metric in queried)
            Assert.True(services.Any(s => s.Metrics.Series(metric).Any()), $"the dashboard queries {metric}, which no service serves");

        Assert.NotEmpty(DashboardQueries.Histograms());
        foreach (var histogram in DashboardQueries.Histograms())
        {
            var (service, metrics) = services.First(s => s.Metrics.Series(histogram + "_bucket").Any());
            Assert.Equal("histogram", metrics.Types[histogram]);
            Assert.Equal([.. MetricsExport.SecondsBuckets, double.PositiveInfinity], metrics.BucketBounds(histogram));
            output.WriteLine($"{histogram} ({service}): {metrics.Sum(histogram + "_count")} observations");
        }
    }

    /// <summary>Fails S3 GETs and SQS GetQueueAttributes until a worker counted a transient error and the operator a reconcile error.</summary>
    private async Task RecordErrorsAsync()
    {
        stack.Proxy.Targets = request => AwsErrorResponses.IsSqs(request)
            ? request.Headers["X-Amz-Target"] == "AmazonSQS.GetQueueAttributes"
            : HttpMethods.IsGet(request.Method);
        stack.Proxy.Mode = FaultMode.Errors;
        try
        {
            var upload = await ChaosUpload.SendAsync(stack.Http, stack.WebTier, ChaosUpload.Image(1));
            Assert.True(upload.Kind == UploadOutcomeKind.Accepted, $"upload during S3 read faults: {upload.Kind} {upload.Description}");
            var waited = Stopwatch.StartNew();
            while (true)
            {
                var workers = await LocalWorkers.ScrapeAsync(stack);
                var transient = workers.Sum(w => PrometheusExposition.Parse(w.Metrics).Sum("imagerec_worker_transient_errors_total"));
                var reconcile = PrometheusExposition.Parse(await stack.Http.GetStringAsync(new Uri(stack.Operator, "metrics"))).Sum("imagerec_reconcile_errors_total");
                if (transient > 0 && reconcile > 0) return;
                Assert.True(waited.Elapsed < FaultPatience,
                    $"after {FaultPatience.TotalSeconds:0} s of faults: {transient} worker transient errors, {reconcile} reconcile errors\n{stack.Logs()}");
                await Task.Delay(500);
            }
        }
        finally
        {
            stack.Proxy.Mode = FaultMode.PassThrough;
        }
    }

    private async Task<IReadOnlyList<(string Service, PrometheusExposition Metrics)>> ScrapeAsync()
    {
        var services = new List<(string, PrometheusExposition)>
        {
            ("webtier", PrometheusExposition.Parse(await stack.Http.GetStringAsync(new Uri(stack.WebTier, "metrics")))),
            ("operator", PrometheusExposition.Parse(await stack.Http.GetStringAsync(new Uri(stack.Operator, "metrics")))),
        };
        var workers = await LocalWorkers.ScrapeAsync(stack);
        Assert.NotEmpty(workers);
        services.AddRange(workers.Select(w => ($"worker :{w.Port}", PrometheusExposition.Parse(w.Metrics))));
        return services;
    }
}
