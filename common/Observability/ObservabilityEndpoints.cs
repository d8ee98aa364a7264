using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ImageRec.Common.Observability;

/// <summary>
/// The endpoints every service offers: liveness, readiness and Prometheus metrics (exported as
/// <see cref="MetricsExport"/> says).
/// </summary>
public static class ObservabilityEndpoints
{
    /// <summary>Health checks tagged with this take part in <c>/readyz</c> only.</summary>
    public const string ReadyTag = "ready";

    public static IServiceCollection AddImageRecObservability(this IServiceCollection services)
    {
        services.AddImageRecMetrics();
        services.AddHealthChecks();
        return services;
    }

    public static IEndpointRouteBuilder MapImageRecObservability(this IEndpointRouteBuilder endpoints)
    {
        // Liveness answers as long as the process serves HTTP; readiness asks the checks tagged "ready".
        endpoints.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false });
        endpoints.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) });
        endpoints.MapPrometheusScrapingEndpoint("/metrics");
        return endpoints;
    }
}
