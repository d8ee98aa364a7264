using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace ImageRec.Common.Observability;

/// <summary>
/// Exports the services' spans (ours and ASP.NET Core's request spans) over OTLP/HTTP when an endpoint
/// is configured. OpenTelemetry.Extensions.Hosting is not available to this build, so the tracer
/// provider lives in a hosted service: built at start, flushed and disposed at stop.
/// </summary>
public sealed class TraceExport(string serviceName, Uri endpoint) : IHostedService, IDisposable
{
    private TracerProvider? _provider;

    public static TracerProvider Build(string serviceName, Uri endpoint) => Sdk.CreateTracerProviderBuilder()
        .SetResourceBuilder(ResourceBuilder.CreateDefault().AddService(serviceName))
        .AddSource(Tracing.SourceName, "Microsoft.AspNetCore")
        .AddOtlpExporter(o =>
        {
            o.Protocol = OtlpExportProtocol.HttpProtobuf;
            o.Endpoint = new Uri(endpoint, "v1/traces");
        })
        .Build();

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _provider = Build(serviceName, endpoint);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _provider?.ForceFlush(5000);
        return Task.CompletedTask;
    }

    public void Dispose() => _provider?.Dispose();
}

public static class TraceExportExtensions
{
    /// <summary>Adds OTLP trace export when <c>Telemetry:OtlpEndpoint</c> or OTEL_EXPORTER_OTLP_ENDPOINT is set.</summary>
    public static IServiceCollection AddImageRecTracing(this IServiceCollection services, IConfiguration configuration, string serviceName)
    {
        var endpoint = configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>()?.OtlpEndpoint
            ?? configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        if (string.IsNullOrWhiteSpace(endpoint)) return services;
        var baseUri = new Uri(endpoint.EndsWith('/') ? endpoint : endpoint + "/");
        return services.AddHostedService(_ => new TraceExport(serviceName, baseUri));
    }
}
