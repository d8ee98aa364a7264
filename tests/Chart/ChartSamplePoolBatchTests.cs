using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json.Nodes;
using ImageRec.Operator.Entities;
using ImageRec.Tests.Chart.Support;

namespace ImageRec.Tests.Chart;

/// <summary>
/// The sample pool's batch settings: the values schema allows what the CRD allows (its bounds come from the C# types),
/// and both settings reach the rendered RecognitionPool.
/// </summary>
public class ChartSamplePoolBatchTests
{
    public static TheoryData<int> HelmMajors() => ChartUnderTest.HelmMajors();

    private const string Pool = "samplePool.enabled=true,samplePool.queue.url=https://sqs.us-east-1.amazonaws.com/000000000000/q,samplePool.model.sha256=cc028fe6cae7bc11a4ff53cfc9b79c920e8be65ce33a904ec3e2a8f66d77f95f";

    [Theory]
    [InlineData(nameof(WorkerSpec.BatchSize), "batchSize")]
    [InlineData(nameof(WorkerSpec.BatchWaitMilliseconds), "batchWaitMilliseconds")]
    public void The_values_schema_bounds_are_the_CRDs(string property, string value)
    {
        var range = typeof(WorkerSpec).GetProperty(property)!.GetCustomAttribute<RangeAttribute>()!;
        var schema = JsonNode.Parse(File.ReadAllText(Path.Combine(ChartUnderTest.Directory, "values.schema.json")))!;
        var bounds = schema["properties"]!["samplePool"]!["properties"]!["worker"]!["properties"]![value]!;

        Assert.Equal(Convert.ToInt32(range.Minimum), (int)bounds["minimum"]!);
        Assert.Equal(Convert.ToInt32(range.Maximum), (int)bounds["maximum"]!);
    }

    [Theory]
    [MemberData(nameof(HelmMajors))]
    public void A_batch_set_in_the_values_reaches_the_pool(int helm)
    {
        var result = RenderedChart.Template(helm, "--set", $"{Pool},samplePool.worker.batchSize=32,samplePool.worker.batchWaitMilliseconds=20");
        Assert.True(result.Succeeded, result.Describe());

        var worker = YamlManifests.Parse(result.StdOut).OfKind("RecognitionPool").Single()["spec"]!["worker"]!;
        Assert.Equal(32L, (long)worker["batchSize"]!);
        Assert.Equal(20L, (long)worker["batchWaitMilliseconds"]!);
    }
}
