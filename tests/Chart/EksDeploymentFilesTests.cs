using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ImageRec.Tests.Chart.Support;
using ImageRec.Tests.Infrastructure;

namespace ImageRec.Tests.Chart;

/// <summary>deploy/eks: two node groups (GPU tainted), IAM policies that are least privilege and hold no account ids.</summary>
public partial class EksDeploymentFilesTests
{
    private static string Eks(params string[] parts) => Path.Combine([RepositoryPaths.Root, "deploy", "eks", .. parts]);

    [Fact]
    public void The_cluster_has_a_general_purpose_and_a_tainted_GPU_node_group()
    {
        var config = YamlManifests.Parse(File.ReadAllText(Eks("eks-cluster.yaml"))).Single();
        Assert.True((bool?)config["iam"]!["withOIDC"]);
        var groups = config["managedNodeGroups"]!.AsArray().ToDictionary(g => (string)g!["name"]!, g => g!);
        Assert.StartsWith("m7i.", (string?)groups["general-purpose"]["instanceTypes"]![0]);
        var gpu = groups["gpu"];
        Assert.All(gpu["instanceTypes"]!.AsArray(), t => Assert.Matches("^g[56]\\.", (string?)t));
        var taint = Assert.Single(gpu["taints"]!.AsArray());
        Assert.Equal(("nvidia.com/gpu", "true", "NoSchedule"), ((string?)taint!["key"], (string?)taint["value"], (string?)taint["effect"]));
        Assert.Contains("device plugin", File.ReadAllText(Eks("eks-cluster.yaml")));
    }

    public static TheoryData<string, string[]> Policies() => new()
    {
        { "webtier-policy.json", ["s3:PutObject", "s3:GetObject", "s3:DeleteObject", "s3:ListBucket", "sqs:SendMessage", "sqs:GetQueueUrl", "sqs:CreateQueue", "sqs:DeleteQueue", "sqs:GetQueueAttributes", "sqs:SetQueueAttributes", "sqs:ReceiveMessage", "sqs:DeleteMessage"] },
        { "worker-policy.json", ["s3:GetObject", "s3:PutObject", "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:SendMessage"] },
        { "operator-policy.json", ["sqs:GetQueueAttributes"] },
    };

    [Theory]
    [MemberData(nameof(Policies))]
    public void Policies_allow_only_named_actions_on_named_resources(string file, string[] allowedActions)
    {
        var text = File.ReadAllText(Eks("iam", file));
        Assert.DoesNotMatch(AccountId(), text);
        var policy = JsonNode.Parse(text)!;
        var actions = new HashSet<string>();
        foreach (var statement in policy["Statement"]!.AsArray())
        {
            Assert.Equal("Allow", (string?)statement!["Effect"]);
            var statementActions = statement["Action"] is JsonArray list ? list.Select(a => (string)a!).ToList() : [(string)statement["Action"]!];
            Assert.All(statementActions, a => Assert.DoesNotContain("*", a));
            actions.UnionWith(statementActions);
            var resource = (string)statement["Resource"]!;
            Assert.NotEqual("*", resource);
            Assert.StartsWith("arn:aws:", resource);
        }
        Assert.Equal(allowedActions.Order(), actions.Order());
    }

    [Fact]
    public void Reply_queue_statements_match_the_chart_prefix()
    {
        var prefix = (string)YamlManifests.ParseNode(File.ReadAllText(Path.Combine(ChartUnderTest.Directory, "values.yaml")))!["webtier"]!["replyQueuePrefix"]!;
        Assert.Contains($":{prefix}*\"", File.ReadAllText(Eks("iam", "webtier-policy.json")));
        Assert.Contains($":{prefix}*\"", File.ReadAllText(Eks("iam", "worker-policy.json")));
    }

    [GeneratedRegex(@"\b\d{12}\b")]
    private static partial Regex AccountId();
}
