using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace ImageRec.Common.Observability;

/// <summary>
/// Exports the services' spans (ours and ASP.NET Core's request spans) over OTLP/HTTP when an endpoint
/// is configured. Registered through OpenTelemetry.Extensions.Hosting (<c>AddOpenTelemetry</c>), like the
/// metrics (<see cref="MetricsExport"/>): the host builds the tracer provider at start and flushes and
/// disposes it at stop, and the service name becomes the resource of both.
/// </summary>
public static class TraceExport
{
    /// <summary>Adds OTLP trace export when <c>Telemetry:OtlpEndpoint</c> or OTEL_EXPORTER_OTLP_ENDPOINT is set; names the service either way.</summary>
    public static IServiceCollection AddImageRecTracing(this IServiceCollection services, IConfiguration configuration, string serviceName)
    {
        var telemetry = services.AddOpenTelemetry().ConfigureResource(resource => resource.AddService(serviceName));
        var endpoint = configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>()?.OtlpEndpoint
            ?? configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        if (string.IsNullOrWhiteSpace(endpoint)) return services;
        var baseUri = new Uri(endpoint.EndsWith('/') ? endpoint : endpoint + "/");
        telemetry.WithTracing(tracing => tracing
            .AddSource(Tracing.SourceName, "Microsoft.AspNetCore")
            .AddOtlpExporter(o =>
            {
                o.Protocol = OtlpExportProtocol.HttpProtobuf;
                o.Endpoint = new Uri(baseUri, "v1/traces");
            }));
        return services;
    }
}
