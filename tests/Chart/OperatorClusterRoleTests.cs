using System.Text.Json.Nodes;
using ImageRec.Tests.Chart.Support;

namespace ImageRec.Tests.Chart;

/// <summary>
/// The operator's ClusterRole is exactly what the operator calls (least privilege). The operator's
/// Kubernetes API test double loads the same rendered template and refuses anything else.
/// </summary>
public class OperatorClusterRoleTests
{
    public const string Template = "templates/operator/clusterrole.yaml";

    /// <summary>(apiGroup, resource, verbs) the operator needs; keep in step with the operator's calls.</summary>
    public static readonly IReadOnlyList<(string Group, string Resource, string[] Verbs)> ExpectedRules =
    [
        ("imagerec.io", "recognitionpools", ["get", "list", "watch"]),
        ("imagerec.io", "recognitionpools/status", ["get", "update", "patch"]),
        ("apps", "deployments", ["get", "list", "watch", "create", "patch"]),
        ("", "serviceaccounts", ["get", "list", "watch", "create", "patch"]),
        ("policy", "poddisruptionbudgets", ["get", "list", "watch", "create", "patch"]),
        ("", "pods", ["get", "list", "watch", "patch"]),
        ("events.k8s.io", "events", ["create", "patch"]),
        ("coordination.k8s.io", "leases", ["get", "create", "update"]),
    ];

    public static TheoryData<int> Helms() => ChartUnderTest.HelmMajors();

    private static JsonObject RenderClusterRole(int helm)
    {
        var result = RenderedChart.Template(helm, "--show-only", Template);
        Assert.True(result.Succeeded, result.Describe());
        return Assert.Single(YamlManifests.Parse(result.StdOut));
    }

    [Theory]
    [MemberData(nameof(Helms))]
    public void The_template_renders_exactly_the_rules_the_operator_needs(int helm)
    {
        var role = RenderClusterRole(helm);
        Assert.Equal("ClusterRole", (string?)role["kind"]);
        Assert.Equal("rbac.authorization.k8s.io/v1", (string?)role["apiVersion"]);

        var granted = role["rules"]!.AsArray().SelectMany(rule =>
            from g in rule!["apiGroups"]!.AsArray()
            from r in rule["resources"]!.AsArray()
            from v in rule["verbs"]!.AsArray()
            select $"{(string?)g}|{(string?)r}|{(string?)v}").Order().ToList();
        var expected = ExpectedRules.SelectMany(r => r.Verbs.Select(v => $"{r.Group}|{r.Resource}|{v}")).Order().ToList();

        Assert.Equal(expected, granted);
        Assert.All(role["rules"]!.AsArray(), rule =>
        {
            Assert.Null(rule!["resourceNames"]);
            Assert.Null(rule["nonResourceURLs"]);
            Assert.DoesNotContain("*", rule.ToJsonString().Split('"'));
        });
    }

    [Fact]
    public void The_binding_gives_the_role_to_the_operator_ServiceAccount_that_the_Deployment_runs_as()
    {
        var manifests = RenderedChart.Manifests(4, ChartUnderTest.DefaultValues);
        var role = Assert.Single(manifests.OfKind("ClusterRole"));
        var binding = Assert.Single(manifests.OfKind("ClusterRoleBinding"));
        var operatorDeployment = manifests.OfKind("Deployment").Single(d => d.Name().EndsWith("-operator"));
        var serviceAccount = (string?)operatorDeployment["spec"]!["template"]!["spec"]!["serviceAccountName"];

        Assert.Equal(role.Name(), (string?)binding["roleRef"]!["name"]);
        var subject = Assert.Single(binding["subjects"]!.AsArray());
        Assert.Equal("ServiceAccount", (string?)subject!["kind"]);
        Assert.Equal(serviceAccount, (string?)subject["name"]);
        Assert.Equal(ChartUnderTest.Namespace, (string?)subject["namespace"]);
    }

    [Fact]
    public void The_operator_runs_with_leader_election_and_knows_its_pod()
    {
        var operatorDeployment = RenderedChart.Manifests(4, ChartUnderTest.DefaultValues).OfKind("Deployment").Single(d => d.Name().EndsWith("-operator"));
        var container = operatorDeployment["spec"]!["template"]!["spec"]!["containers"]![0]!;
        Assert.Contains("--leader-elect", container["args"]!.AsArray().Select(a => (string?)a));
        var env = container["env"]!.AsArray().ToDictionary(e => (string)e!["name"]!, e => e);
        Assert.Equal("metadata.name", (string?)env["POD_NAME"]!["valueFrom"]!["fieldRef"]!["fieldPath"]);
        Assert.Equal("metadata.namespace", (string?)env["POD_NAMESPACE"]!["valueFrom"]!["fieldRef"]!["fieldPath"]);
    }
}
