using System.Text.Json.Nodes;
using ImageRec.Tests.Chart.Support;

namespace ImageRec.Tests.Chart;

/// <summary>Every pod the chart renders (Deployments and the `helm test` pod) is hardened and bounded.</summary>
public class PodHardeningTests
{
    public static TheoryData<int, string> HelmAndValues() => ChartUnderTest.HelmAndValues();

    private static IEnumerable<(string Owner, JsonObject PodSpec)> PodSpecs(IEnumerable<JsonObject> manifests) =>
        manifests.OfKind("Deployment").Select(d => ($"Deployment {d.Name()}", d["spec"]!["template"]!["spec"]!.AsObject()))
            .Concat(manifests.OfKind("Pod").Select(p => ($"Pod {p.Name()}", p["spec"]!.AsObject())));

    [Theory]
    [MemberData(nameof(HelmAndValues))]
    public void Pods_run_as_non_root_with_a_read_only_root_and_no_capabilities(int helm, string values)
    {
        var specs = PodSpecs(RenderedChart.Manifests(helm, values)).ToList();
        Assert.NotEmpty(specs);
        foreach (var (owner, spec) in specs)
        {
            var pod = spec["securityContext"]!;
            Assert.True((bool?)pod["runAsNonRoot"] == true, $"{owner}: pod runAsNonRoot");
            Assert.True((long?)pod["runAsUser"] == 65532, $"{owner}: pod runAsUser 65532");
            Assert.True((string?)pod["seccompProfile"]?["type"] == "RuntimeDefault", $"{owner}: pod seccomp RuntimeDefault");
            foreach (var container in spec["containers"]!.AsArray().Concat(spec["initContainers"]?.AsArray() ?? []))
            {
                var name = $"{owner} container {container!["name"]}";
                var ctx = container["securityContext"]!;
                Assert.True((bool?)ctx["runAsNonRoot"] == true, $"{name}: runAsNonRoot");
                Assert.True((long?)ctx["runAsUser"] == 65532, $"{name}: runAsUser 65532");
                Assert.True((bool?)ctx["readOnlyRootFilesystem"] == true, $"{name}: readOnlyRootFilesystem");
                Assert.True((bool?)ctx["allowPrivilegeEscalation"] == false, $"{name}: allowPrivilegeEscalation false");
                Assert.True((bool?)ctx["privileged"] != true, $"{name}: not privileged");
                Assert.Equal(["ALL"], ctx["capabilities"]!["drop"]!.AsArray().Select(c => (string?)c));
                Assert.Null(ctx["capabilities"]!["add"]);
                Assert.True((string?)ctx["seccompProfile"]?["type"] == "RuntimeDefault", $"{name}: seccomp RuntimeDefault");
                Assert.NotNull(container["resources"]?["requests"]?["cpu"]);
                Assert.NotNull(container["resources"]?["requests"]?["memory"]);
                Assert.True(container["resources"]?["limits"]?["memory"] is not null, $"{name}: memory limit");
                Assert.DoesNotContain(":latest", (string?)container["image"]);
            }
            Assert.Null(spec["hostNetwork"]);
            Assert.Null(spec["hostPID"]);
        }
    }

    [Theory]
    [MemberData(nameof(HelmAndValues))]
    public void Services_have_probes_and_a_writable_tmp(int helm, string values)
    {
        foreach (var deployment in RenderedChart.Manifests(helm, values).OfKind("Deployment"))
        {
            var spec = deployment["spec"]!["template"]!["spec"]!;
            var container = spec["containers"]![0]!;
            Assert.Equal("/healthz", (string?)container["livenessProbe"]?["httpGet"]?["path"]);
            Assert.Equal("/readyz", (string?)container["readinessProbe"]?["httpGet"]?["path"]);
            Assert.Contains(container["env"]!.AsArray(), e => (string?)e!["name"] == "ASPNETCORE_URLS" && (string?)e["value"] == "http://+:8080");
            var tmp = Assert.Single(container["volumeMounts"]!.AsArray(), m => (string?)m!["mountPath"] == "/tmp");
            Assert.Contains(spec["volumes"]!.AsArray(), v => (string?)v!["name"] == (string?)tmp!["name"] && v["emptyDir"] is not null);
        }
    }

    [Theory]
    [MemberData(nameof(HelmAndValues))]
    public void No_AWS_keys_are_rendered_and_only_the_operator_mounts_a_token(int helm, string values)
    {
        foreach (var deployment in RenderedChart.Manifests(helm, values).OfKind("Deployment"))
        {
            var spec = deployment["spec"]!["template"]!["spec"]!;
            var names = spec["containers"]![0]!["env"]!.AsArray().Select(e => (string?)e!["name"]).ToList();
            Assert.DoesNotContain("AWS_SECRET_ACCESS_KEY", names);
            Assert.DoesNotContain("Aws__SecretAccessKey", names);
            Assert.Equal(deployment.Name().EndsWith("-operator"), (bool?)spec["automountServiceAccountToken"] == true);
        }
    }
}
