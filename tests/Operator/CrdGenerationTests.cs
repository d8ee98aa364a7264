using ImageRec.Operator.Crds;
using ImageRec.Operator.Entities;
using ImageRec.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace ImageRec.Tests.Operator;

public sealed class CrdGenerationTests
{
    private static readonly string CommittedCrd = Path.Combine(RepositoryPaths.Root, "crds", "recognitionpools.imagerec.io.yaml");

    [Fact]
    public void Committed_crd_is_what_the_csharp_types_generate()
    {
        var generated = CrdGenerator.GenerateYaml(typeof(RecognitionPool));
        Assert.True(File.Exists(CommittedCrd), $"{CommittedCrd} is missing: run `make crds`");
        Assert.True(generated == File.ReadAllText(CommittedCrd),
            "crds/recognitionpools.imagerec.io.yaml is stale: run `make crds` and commit the result");
    }

    [Fact]
    public void Schema_carries_descriptions_defaults_ranges_and_cel_rules()
    {
        var crd = Load(CrdGenerator.GenerateYaml(typeof(RecognitionPool)));
        var version = (YamlMappingNode)((YamlSequenceNode)Node(crd, "spec", "versions"))[0];
        var spec = Node(version, "schema", "openAPIV3Schema", "properties", "spec");
        var scaling = Node(spec, "properties", "scaling");

        Assert.Equal("imagerec.io", Scalar(crd, "spec", "group"));
        Assert.Equal("rpool", ((YamlSequenceNode)Node(crd, "spec", "names", "shortNames"))[0].ToString());
        Assert.NotNull(Node(version, "subresources", "status"));
        Assert.Equal("0", Scalar(scaling, "properties", "minReplicas", "default"));
        Assert.Equal("1", Scalar(scaling, "properties", "maxReplicas", "minimum"));
        Assert.Equal("self.minReplicas <= self.maxReplicas", Scalar((YamlMappingNode)((YamlSequenceNode)Node(scaling, "x-kubernetes-validations"))[0], "rule"));
        Assert.Equal(["general-purpose", "gpu"], ((YamlSequenceNode)Node(spec, "properties", "compute", "properties", "class", "enum")).Select(n => n.ToString()));
        Assert.Equal(["queue", "storage", "model"], ((YamlSequenceNode)Node(spec, "required")).Select(n => n.ToString()));
        Assert.False(string.IsNullOrWhiteSpace(Scalar(scaling, "properties", "messagesPerReplica", "description")));
        Assert.Equal(["Desired", "Ready", "Queue", "Class", "Age"],
            ((YamlSequenceNode)Node(version, "additionalPrinterColumns")).Select(c => Scalar((YamlMappingNode)c, "name")));
        var conditions = Node(version, "schema", "openAPIV3Schema", "properties", "status", "properties", "conditions");
        Assert.Equal("map", Scalar(conditions, "x-kubernetes-list-type"));
    }

    private static YamlMappingNode Load(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static YamlNode Node(YamlNode node, params string[] path)
    {
        foreach (var key in path) node = ((YamlMappingNode)node).Children[new YamlScalarNode(key)];
        return node;
    }

    private static string Scalar(YamlNode node, params string[] path) => Node(node, path).ToString();
}
