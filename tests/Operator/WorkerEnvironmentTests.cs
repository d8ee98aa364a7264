using ImageRec.Common.Index;
using ImageRec.Operator.Entities;
using ImageRec.Operator.Local;
using ImageRec.Operator.Workers;
using ImageRec.Tests.Infrastructure;

namespace ImageRec.Tests.Operator;

/// <summary>
/// What a pool tells its workers (both modes use <see cref="WorkerEnvironment"/>): the buckets and the image index
/// table from <c>spec.storage</c>, the table defaulting to the services' own default when the pool does not name it.
/// </summary>
public sealed class WorkerEnvironmentTests
{
    private static RecognitionPool Load(string yaml)
    {
        var path = Path.Combine(Path.GetTempPath(), $"imagerec-pool-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, yaml);
        try { return LocalPoolFile.Load(path); }
        finally { File.Delete(path); }
    }

    private static Dictionary<string, string> Environment(RecognitionPool pool) =>
        WorkerEnvironment.For(pool).ToDictionary(v => v.Key, v => v.Value);

    private static string Pool(string storage) => $$"""
        apiVersion: imagerec.io/v1alpha1
        kind: RecognitionPool
        metadata: { name: photos }
        spec:
          queue: { url: "https://sqs.us-east-1.amazonaws.com/123456789012/photos" }
          storage: {{storage}}
          model: { uri: s3://models/m.onnx, labelsUri: s3://models/labels.txt }
        """;

    [Fact]
    public void The_pool_names_the_buckets_and_the_index_table()
    {
        var env = Environment(Load(Pool("{ inputBucket: in-bucket, resultBucket: out-bucket, indexTable: team-a.images_v2 }")));
        Assert.Equal(("in-bucket", "out-bucket", "team-a.images_v2"), (env["Storage__InputBucket"], env["Storage__ResultBucket"], env["Index__TableName"]));
    }

    [Fact]
    public void A_pool_without_an_index_table_gives_the_services_default()
    {
        var env = Environment(Load(Pool("{ inputBucket: in-bucket, resultBucket: out-bucket }")));
        Assert.Equal(new ImageIndexOptions().TableName, env["Index__TableName"]);
        Assert.Equal(StorageSpec.DefaultIndexTable, new ImageIndexOptions().TableName);
    }

    [Fact]
    public void The_local_pool_names_the_table_make_run_uses()
    {
        var yaml = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "deploy", "local", "pool.yaml"))
            .Replace("${QUEUE_URL}", "http://127.0.0.1:4566/000000000000/imagerec-requests")
            .Replace("${ENDPOINT}", "http://127.0.0.1:4566")
            .Replace("${MODEL_SHA256}", new string('a', 64))
            .Replace("${MIN_WORKERS}", "1")
            .Replace("${MAX_WORKERS}", "2");
        Assert.Contains("indexTable:", yaml);
        Assert.Equal(new ImageIndexOptions().TableName, Environment(Load(yaml))["Index__TableName"]);
    }
}
