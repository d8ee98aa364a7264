using System.Text.Json.Nodes;
using ImageRec.Tests.Infrastructure;

namespace ImageRec.Tests.Hosting;

/// <summary>
/// The runtime settings that common/ServiceRuntime.props gives the services reach their runtimeconfig.json, and the
/// one that only an environment variable sets is set wherever they run (the images and the local stack).
/// </summary>
public class ServiceRuntimeConfigTests
{
    public static TheoryData<string> Services() => new(["imagerec-worker", "imagerec-webtier", "imagerec-operator"]);

    [Theory]
    [MemberData(nameof(Services))]
    public void Threads_do_not_spin_and_no_instrumented_tier_is_compiled(string service)
    {
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, $"{service}.runtimeconfig.json")))!;
        var properties = config["runtimeOptions"]!["configProperties"]!;
        Assert.Equal(0, properties["System.Threading.ThreadPool.UnfairSemaphoreSpinLimit"]!.GetValue<int>());
        Assert.False(properties["System.Runtime.TieredPGO"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("worker/Dockerfile")]
    [InlineData("worker/Dockerfile.gpu")]
    [InlineData("webtier/Dockerfile")]
    [InlineData("operator/Dockerfile")]
    [InlineData("eng/run-local.sh")]
    public void Methods_tier_up_without_the_call_counting_delay(string file) =>
        Assert.Matches(@"DOTNET_TC_CallCountingDelayMs=(\$\{DOTNET_TC_CallCountingDelayMs:-)?0",
            File.ReadAllText(Path.Combine(RepositoryPaths.Root, file)));
}
