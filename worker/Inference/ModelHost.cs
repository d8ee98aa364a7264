using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace ImageRec.Worker.Inference;

/// <summary>
/// Holds the classifier once it is loaded. Loading happens in <see cref="StartAsync"/>, which the host
/// awaits before starting the queue consumer, so no job is received before the model can run it.
/// Also the readiness check: not ready until the model is loaded.
/// </summary>
public sealed class ModelHost(ModelLoader loader) : IHostedService, IHealthCheck, IDisposable
{
    private OnnxImageClassifier? _classifier;

    public OnnxImageClassifier Classifier =>
        _classifier ?? throw new InvalidOperationException("The model is not loaded yet.");

    public async Task StartAsync(CancellationToken cancellationToken) =>
        _classifier = await loader.LoadAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_classifier is null
            ? HealthCheckResult.Unhealthy("model not loaded")
            : HealthCheckResult.Healthy($"{_classifier.Model.Name} on {_classifier.ExecutionProvider}"));

    public void Dispose() => _classifier?.Dispose();
}
