using ImageRec.Common.Aws;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ImageRec.Tests.Infrastructure.Chaos;

/// <summary>The services' own SQS and S3 clients (<c>AddImageRecAws</c>), pointed at an endpoint: the emulator, or a proxy in front of it.</summary>
public static class AwsClients
{
    public static IConfiguration Configuration(Uri endpoint) => new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Aws:ServiceUrl"] = endpoint.ToString(),
        ["Aws:AccessKeyId"] = "local",
        ["Aws:SecretAccessKey"] = "local",
    }).Build();

    public static ServiceProvider For(Uri endpoint) =>
        new ServiceCollection().AddLogging().AddImageRecAws(Configuration(endpoint)).BuildServiceProvider();
}
