using ImageRec.Tests.Infrastructure.KubernetesApi;

namespace ImageRec.Tests.KubernetesApi;

/// <summary>labelSelector (equality, set-based, existence) and fieldSelector on metadata.name for lists.</summary>
public sealed class SelectorTests
{
    [Theory]
    [InlineData("app=imagerec", "a,b,c")]
    [InlineData("app==imagerec,tier=gold", "a")]
    [InlineData("tier!=gold", "b,c,d")]
    [InlineData("tier in (gold,silver)", "a,b")]
    [InlineData("tier notin (gold)", "b,c,d")]
    [InlineData("tier", "a,b")]
    [InlineData("!tier", "c,d")]
    public async Task Label_selectors_filter_lists(string selector, string expected)
    {
        await using var server = await KubernetesApiServer.StartAsync();
        using var api = new ApiClient(server);
        await Pod(api, "a", "app: imagerec, tier: gold");
        await Pod(api, "b", "app: imagerec, tier: silver");
        await Pod(api, "c", "app: imagerec");
        await Pod(api, "d", "app: other");

        var (code, list) = await api.GetAsync($"/api/v1/namespaces/default/pods?labelSelector={Uri.EscapeDataString(selector)}");

        Assert.Equal(200, code);
        Assert.Equal(expected, string.Join(',', list["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>())));
        Assert.Equal(server.ResourceVersion.ToString(), list["metadata"]!["resourceVersion"]!.GetValue<string>());
    }

    [Fact]
    public async Task Field_selector_on_metadata_name()
    {
        await using var server = await KubernetesApiServer.StartAsync();
        using var api = new ApiClient(server);
        await Pod(api, "a", "app: x");
        await Pod(api, "b", "app: x");

        var (_, list) = await api.GetAsync("/api/v1/namespaces/default/pods?fieldSelector=metadata.name%3Db");

        Assert.Equal("b", Assert.Single(list["items"]!.AsArray())!["metadata"]!["name"]!.GetValue<string>());
    }

    private static Task Pod(ApiClient api, string name, string labels) => api.CreateAsync("/api/v1/namespaces/default/pods", $$"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: {{name}}
          labels: { {{labels}} }
        spec:
          containers: [{name: c, image: busybox}]
        """);
}
