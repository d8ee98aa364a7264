using ImageRec.Tests.Chart.Support;

namespace ImageRec.Tests.Chart;

/// <summary>`helm test` uploads an embedded PNG through the web tier Service and expects a label.</summary>
public class HelmTestHookTests
{
    public static TheoryData<int> Helms() => ChartUnderTest.HelmMajors();

    [Theory]
    [MemberData(nameof(Helms))]
    public void The_test_pod_uploads_the_embedded_image_and_checks_for_a_label(int helm)
    {
        var manifests = RenderedChart.Manifests(helm, ChartUnderTest.DefaultValues);
        var pod = Assert.Single(manifests.OfKind("Pod"));
        var configMap = Assert.Single(manifests.OfKind("ConfigMap"));
        Assert.Equal("test", (string?)pod["metadata"]!["annotations"]!["helm.sh/hook"]);
        Assert.Equal("test", (string?)configMap["metadata"]!["annotations"]!["helm.sh/hook"]);
        Assert.True(int.Parse((string)configMap["metadata"]!["annotations"]!["helm.sh/hook-weight"]!) < 0, "the ConfigMap must exist before the pod");

        var png = Convert.FromBase64String((string)configMap["binaryData"]!["probe.png"]!);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);

        var spec = pod["spec"]!;
        Assert.Equal("Never", (string?)spec["restartPolicy"]);
        Assert.False((bool?)spec["automountServiceAccountToken"]);
        var script = string.Join('\n', spec["containers"]![0]!["args"]!.AsArray().Select(a => (string?)a));
        Assert.Contains("http://imagerec-image-recognition-webtier:80/v1/images?wait=25", script);
        Assert.Contains("-F image=@/probe/probe.png", script);
        Assert.Contains("\"status\":\"succeeded\"", script);
        Assert.Contains("\"label\":", script);
        Assert.Equal(configMap.Name(), (string?)spec["volumes"]![0]!["configMap"]!["name"]);
    }
}
