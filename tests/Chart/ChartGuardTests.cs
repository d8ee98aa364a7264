using ImageRec.Tests.Chart.Support;

namespace ImageRec.Tests.Chart;

/// <summary>Unsafe or unworkable values are refused at render time, by the template guards or the values schema.</summary>
public class ChartGuardTests
{
    private const string Pool = "samplePool.enabled=true,samplePool.queue.url=https://sqs.us-east-1.amazonaws.com/000000000000/q,samplePool.model.sha256=cc028fe6cae7bc11a4ff53cfc9b79c920e8be65ce33a904ec3e2a8f66d77f95f";

    public static TheoryData<int, string, string> RefusedValues()
    {
        var cases = new (string Set, string Message)[]
        {
            ("operator.leaderElection=false", "needs operator.leaderElection=true"),
            ("aws.emulatorCredentials=true", "aws.emulatorCredentials is only for emulators"),
            ("webtier.extraEnv[0].name=AWS_SECRET_ACCESS_KEY,webtier.extraEnv[0].value=x", "static AWS keys are refused"),
            ("operator.extraEnv[0].name=Aws__AccessKeyId,operator.extraEnv[0].value=x", "static AWS keys are refused"),
            ("webtier.containerSecurityContext.privileged=true", "privileged=true is refused"),
            ("webtier.containerSecurityContext.allowPrivilegeEscalation=true", "allowPrivilegeEscalation=true is refused"),
            ("operator.podSecurityContext.runAsUser=0", "runAsUser=0 (root) is refused"),
            ("operator.containerSecurityContext.runAsNonRoot=false", "runAsNonRoot=false is refused"),
            ("webtier.replicaCount=1,webtier.pdb.maxUnavailable=0", "blocks every node drain"),
            ("ingress.tls=true,ingress.hostname=", "ingress.tls needs ingress.hostname"),
            ("ingress.enabled=true", "auth.mode=none with ingress.enabled lets anyone"),
            ("auth.mode=oidc", "auth.mode=oidc needs auth.oidc.issuer"),
            ("auth.mode=oidc,auth.oidc.issuer=https://idp.example", "needs auth.oidc.audience or auth.oidc.clientId"),
            ("samplePool.enabled=true", "samplePool.queue.url is required"),
            ($"{Pool},samplePool.model.sha256=", "samplePool.model.sha256 is required"),
            ($"{Pool},samplePool.scaling.minReplicas=5,samplePool.scaling.maxReplicas=2", "must not exceed maxReplicas"),
            ($"{Pool},samplePool.compute.requireGpu=true", "requireGpu needs compute.class=gpu"),
            // The values schema.
            ("webtier.replicaCount=two", "replicaCount"),
            ("aws.accessKeyId=AKIA", "accessKeyId"),
            ("samplePool.compute.class=tpu", "class"),
            ("samplePool.worker.batchSize=65", "batchSize"),
            ("samplePool.worker.batchWaitMilliseconds=1001", "batchWaitMilliseconds"),
            ("webtier.image.pullPolicy=Sometimes", "pullPolicy"),
            ("webtier.serviceAccount.roleArn=role/x", "roleArn"),
            ("auth.mode=basic", "mode"),
            ("auth.mode=oidc,auth.oidc.issuer=http://idp.example,auth.oidc.clientId=page", "issuer"),
            ("courseHarness.enabled=yes", "enabled"),
        };
        var data = new TheoryData<int, string, string>();
        foreach (var helm in new[] { 3, 4 })
            foreach (var (set, message) in cases) data.Add(helm, set, message);
        return data;
    }

    [Theory]
    [MemberData(nameof(RefusedValues))]
    public void Unsafe_values_are_refused_with_a_reason(int helm, string set, string expectedMessage)
    {
        var result = RenderedChart.Template(helm, "--set", set);

        Assert.False(result.Succeeded, $"rendered although --set {set}");
        Assert.Contains(expectedMessage, result.StdErr);
    }
}
