using System.Text.Json.Nodes;
using ImageRec.Tests.Chart.Support;

namespace ImageRec.Tests.Chart;

/// <summary>Sign-in values become the web tier's Auth__* and CourseHarness__* settings; the `helm test` pod fits the mode.</summary>
public class ChartAuthTests
{
    public static TheoryData<int> Helms() => ChartUnderTest.HelmMajors();

    private const string Cognito = "auth.mode=oidc,auth.oidc.issuer=https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Pool,auth.oidc.clientId=page-client";

    private static IReadOnlyList<JsonObject> Render(int helm, string set)
    {
        var result = RenderedChart.Template(helm, "--set", set);
        Assert.True(result.Succeeded, result.Describe());
        return YamlManifests.Parse(result.StdOut);
    }

    private static Dictionary<string, string?> WebTierEnv(IEnumerable<JsonObject> manifests)
    {
        var webTier = manifests.OfKind("Deployment").Single(d => d.Name().EndsWith("-webtier"));
        return webTier["spec"]!["template"]!["spec"]!["containers"]![0]!["env"]!.AsArray()
            .ToDictionary(e => (string)e!["name"]!, e => (string?)e!["value"]);
    }

    private static string TestScript(IEnumerable<JsonObject> manifests) =>
        string.Join('\n', manifests.OfKind("Pod").Single()["spec"]!["containers"]![0]!["args"]!.AsArray().Select(a => (string?)a));

    [Theory]
    [MemberData(nameof(Helms))]
    public void By_default_sign_in_and_the_course_harness_route_are_off_and_nothing_is_exposed(int helm)
    {
        var manifests = RenderedChart.Manifests(helm, ChartUnderTest.DefaultValues);
        var env = WebTierEnv(manifests);
        Assert.Equal(("None", "false"), (env["Auth__Mode"], env["CourseHarness__Enabled"]));
        Assert.DoesNotContain("Auth__Authority", env.Keys);
        Assert.Empty(manifests.OfKind("Ingress"));
    }

    [Theory]
    [MemberData(nameof(Helms))]
    public void Oidc_values_reach_the_web_tier(int helm)
    {
        var manifests = Render(helm, Cognito + ",auth.oidc.audience=api://imagerec,auth.oidc.scope=openid,courseHarness.enabled=true,ingress.enabled=true");
        var env = WebTierEnv(manifests);
        Assert.Equal("Oidc", env["Auth__Mode"]);
        Assert.Equal("https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Pool", env["Auth__Authority"]);
        Assert.Equal(("api://imagerec", "page-client", "openid"), (env["Auth__Audience"], env["Auth__ClientId"], env["Auth__Scope"]));
        Assert.Equal("true", env["CourseHarness__Enabled"]);
        Assert.Single(manifests.OfKind("Ingress"));
    }

    [Theory]
    [MemberData(nameof(Helms))]
    public void Anonymous_behind_an_ingress_takes_an_explicit_value(int helm)
    {
        var manifests = Render(helm, "ingress.enabled=true,auth.allowAnonymousWithIngress=true");
        Assert.Equal("None", WebTierEnv(manifests)["Auth__Mode"]);
        Assert.Single(manifests.OfKind("Ingress"));
    }

    [Theory]
    [MemberData(nameof(Helms))]
    public void With_sign_in_the_helm_test_checks_the_refusal_and_classifies_through_the_course_harness_route_when_on(int helm)
    {
        var withoutHarness = TestScript(Render(helm, Cognito));
        Assert.Contains("\"mode\":\"oidc\"", withoutHarness);
        Assert.Contains("[ \"$status\" = 401 ]", withoutHarness);
        Assert.Contains("classification not checked", withoutHarness);
        Assert.DoesNotContain("inputFile", withoutHarness);

        var withHarness = TestScript(Render(helm, Cognito + ",courseHarness.enabled=true"));
        Assert.Contains("-F inputFile=@/probe/probe.png \"$base/\"", withHarness);
        Assert.Contains("grep -q '^probe:.'", withHarness);
        Assert.DoesNotContain("classification not checked", withHarness);
    }
}
