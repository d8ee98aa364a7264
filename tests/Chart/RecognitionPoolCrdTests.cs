using System.Text.Json.Nodes;
using ImageRec.Tests.Chart.Support;

namespace ImageRec.Tests.Chart;

/// <summary>
/// The chart ships the RecognitionPool CRD from crds/ (one source), the CRD is a valid
/// CustomResourceDefinition, and its schema accepts good pools and refuses bad ones. CEL rules
/// (x-kubernetes-validations, e.g. min ≤ max) cannot be evaluated here; ranges, enums, types and
/// required fields are checked through the schema.
/// </summary>
public class RecognitionPoolCrdTests
{
    private const string GoodPool = """
        apiVersion: imagerec.io/v1alpha1
        kind: RecognitionPool
        metadata: { name: cpu, namespace: imagerec }
        spec:
          queue: { url: "https://sqs.us-east-1.amazonaws.com/000000000000/imagerec-requests", region: us-east-1 }
          storage: { inputBucket: imagerec-input, resultBucket: imagerec-results, indexTable: imagerec-images }
          model:
            uri: s3://imagerec-models/mobilenetv2-12-int8.onnx
            labelsUri: s3://imagerec-models/imagenet_classes.txt
            sha256: cc028fe6cae7bc11a4ff53cfc9b79c920e8be65ce33a904ec3e2a8f66d77f95f
          worker:
            image: imagerec/worker:0.1.0
            resources: { requests: { cpu: "1", memory: 512Mi }, limits: { memory: 1Gi } }
            serviceAccount: { create: true, roleArn: "arn:aws:iam::000000000000:role/imagerec-worker" }
            batchSize: 8
          compute: { class: general-purpose, nodeSelector: { imagerec.io/node-class: general-purpose }, requireGpu: false }
          scaling: { minReplicas: 0, maxReplicas: 20, messagesPerReplica: 10, activationMessages: 1, countInFlight: true, pollInterval: 2s, scaleDownStabilization: 30s }
        """;

    private static IReadOnlyList<string> Validate(string yaml) =>
        new OpenApiSchemaValidator().Validate(YamlManifests.ParseNode(yaml), RecognitionPoolCrd.Schema);

    [Fact]
    public void The_chart_carries_the_CRD()
    {
        Assert.True(File.Exists(RecognitionPoolCrd.ChartCopyPath), $"missing {RecognitionPoolCrd.ChartCopyPath}: copy crds/{RecognitionPoolCrd.FileName} into the chart");
        var crd = RecognitionPoolCrd.ChartCopy;
        Assert.Equal("recognitionpools.imagerec.io", crd.Name());
        Assert.Equal("imagerec.io", (string?)crd["spec"]!["group"]);
        Assert.Equal("Namespaced", (string?)crd["spec"]!["scope"]);
        Assert.Equal("RecognitionPool", (string?)crd["spec"]!["names"]!["kind"]);
        Assert.Contains("rpool", crd["spec"]!["names"]!["shortNames"]!.AsArray().Select(n => (string?)n));
        var version = crd["spec"]!["versions"]!.AsArray().Single(v => (string?)v!["name"] == "v1alpha1")!;
        Assert.NotNull(version["subresources"]?["status"]);
    }

    [Fact]
    public void The_chart_CRD_equals_the_generated_one_in_crds()
    {
        Assert.True(File.Exists(RecognitionPoolCrd.RepositoryPath), $"missing crds/{RecognitionPoolCrd.FileName}: generate it with `make crds`");
        Assert.True(File.ReadAllBytes(RecognitionPoolCrd.ChartCopyPath).AsSpan().SequenceEqual(File.ReadAllBytes(RecognitionPoolCrd.RepositoryPath)),
            $"charts/image-recognition/crds/{RecognitionPoolCrd.FileName} differs from crds/{RecognitionPoolCrd.FileName}: copy it over after `make crds`");
    }

    [Fact]
    public void The_CRD_is_a_valid_CustomResourceDefinition()
    {
        var errors = ManifestValidator.Validate(RecognitionPoolCrd.ChartCopy, RecognitionPoolCrd.Schema);
        Assert.True(errors.Count == 0, string.Join('\n', errors));
    }

    [Fact]
    public void A_good_pool_passes() => Assert.Empty(Validate(GoodPool));

    [Fact]
    public void The_sample_pools_the_chart_renders_pass()
    {
        var pools = ChartUnderTest.ValuesFiles.SelectMany(v => RenderedChart.Manifests(4, v).OfKind("RecognitionPool")).ToList();
        Assert.NotEmpty(pools);
        Assert.All(pools, pool => Assert.Empty(new OpenApiSchemaValidator().Validate(pool, RecognitionPoolCrd.Schema)));
    }

    [Fact]
    public void A_spec_that_is_not_an_object_is_refused() =>
        Assert.Contains(Validate("apiVersion: imagerec.io/v1alpha1\nkind: RecognitionPool\nmetadata: { name: x }\nspec: [1]"),
            e => e.Contains("$.spec: expected object"));

    public static TheoryData<string, string, string> BadPools() => new()
    {
        { "minReplicas: 0", "minReplicas: -1", "minReplicas" },
        { "maxReplicas: 20", "maxReplicas: \"many\"", "maxReplicas" },
        { "class: general-purpose", "class: tpu", "class" },
        { "batchSize: 8", "batchSize: 0", "batchSize" },
        { "messagesPerReplica: 10", "messagesPerReplica: 0", "messagesPerReplica" },
        { "countInFlight: true", "countInFlight: sometimes", "countInFlight" },
        { "  queue: { url: \"https://sqs.us-east-1.amazonaws.com/000000000000/imagerec-requests\", region: us-east-1 }\n", "", "queue" },
        { "batchSize: 8", "batchSize: 8\n    replicas: 3", "replicas" },
        { "indexTable: imagerec-images", "indexTable: ab", "indexTable" },
        { "indexTable: imagerec-images", "indexTable: \"images table\"", "indexTable" },
        { "indexTable: imagerec-images", "indexTable: images/v2", "indexTable" },
        { "indexTable: imagerec-images", $"indexTable: {new string('t', 256)}", "indexTable" },
    };

    [Theory]
    [MemberData(nameof(BadPools))]
    public void A_bad_pool_fails_naming_the_field(string find, string replace, string field)
    {
        Assert.False(RecognitionPoolCrd.IsPlaceholder, "the chart's CRD leaves spec free-form: copy the generated crds/ one over (`make crds`)");
        var yaml = GoodPool.Replace(find, replace);
        Assert.NotEqual(GoodPool, yaml);
        Assert.Contains(Validate(yaml), e => e.Contains(field));
    }
}
