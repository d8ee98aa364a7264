using ImageRec.Common.Aws;
using ImageRec.Tests.Infrastructure.Chaos;
using ImageRec.WebTier;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ImageRec.Tests.Infrastructure;

/// <summary>
/// The web tier's services as Program.cs registers them (<c>AddImageRecAws</c>, <c>AddImageStorage</c>,
/// <c>AddJobSubmission</c>), reaching AWS at an endpoint (the emulator, or a fault proxy in front of it) with the
/// given settings (<c>Section:Key</c>), for tests that drive the web tier's classes without its HTTP host.
/// </summary>
public static class WebTierServices
{
    /// <summary>The registrations; add or replace services (a clock, a client without retries) before building.</summary>
    public static ServiceCollection For(Uri endpoint, IReadOnlyDictionary<string, string?> settings, TimeProvider? time = null)
    {
        var configuration = new ConfigurationBuilder()
            .AddConfiguration(AwsClients.Configuration(endpoint))
            .AddInMemoryCollection(settings)
            .Build();
        var services = new ServiceCollection();
        services.AddLogging().AddMetrics().AddSingleton(time ?? TimeProvider.System);
        services.AddImageRecAws(configuration).AddImageStorage(configuration).AddJobSubmission(configuration);
        return services;
    }
}
