using System.Net;
using ImageRec.Tests.Infrastructure.KubernetesApi;
using k8s;
using k8s.Autorest;

namespace ImageRec.Tests.Operator.Cluster;

/// <summary>
/// The operator outside a cluster reads a kubeconfig as <c>aws eks update-kubeconfig</c> writes it: the user is an
/// exec credential plugin (<c>aws eks get-token</c>) whose ExecCredential token the client sends. Here a shell
/// script stands in for aws and prints a token of the API double.
/// </summary>
public sealed class KubeconfigExecPluginTests : IAsyncLifetime, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("imagerec-exec-").FullName;
    private KubernetesApiServer _server = null!;

    public async Task InitializeAsync() => _server = await KubernetesApiServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private IKubernetes ClientFor(string token)
    {
        File.WriteAllText(Path.Combine(_directory, "token"), token);
        var plugin = Path.Combine(_directory, "aws");
        File.WriteAllText(plugin, """
            #!/bin/sh
            here=$(dirname "$0")
            [ "$*" = "--region us-east-1 eks get-token --cluster-name imagerec --output json" ] || { echo "unexpected arguments: $*" >&2; exit 1; }
            [ "$AWS_PROFILE" = "imagerec-test" ] || { echo "AWS_PROFILE not passed" >&2; exit 1; }
            echo call >> "$here/calls"
            printf '{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1beta1","spec":{},"status":{"expirationTimestamp":"2099-01-01T00:00:00Z","token":"%s"}}' "$(cat "$here/token")"
            """.Replace("\r\n", "\n"));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(plugin, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var kubeconfig = Path.Combine(_directory, "kubeconfig");
        File.WriteAllText(kubeconfig, $$"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: arn:aws:eks:us-east-1:123456789012:cluster/imagerec
              cluster:
                server: {{_server.BaseAddress.GetLeftPart(UriPartial.Authority)}}
                certificate-authority-data: {{Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(_server.CertificateAuthorityPem))}}
            contexts:
            - name: arn:aws:eks:us-east-1:123456789012:cluster/imagerec
              context:
                cluster: arn:aws:eks:us-east-1:123456789012:cluster/imagerec
                user: arn:aws:eks:us-east-1:123456789012:cluster/imagerec
            current-context: arn:aws:eks:us-east-1:123456789012:cluster/imagerec
            users:
            - name: arn:aws:eks:us-east-1:123456789012:cluster/imagerec
              user:
                exec:
                  apiVersion: client.authentication.k8s.io/v1beta1
                  command: {{plugin}}
                  args: [--region, us-east-1, eks, get-token, --cluster-name, imagerec, --output, json]
                  env:
                  - name: AWS_PROFILE
                    value: imagerec-test
            """);
        return new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));
    }

    [Fact]
    public async Task The_exec_plugins_token_reaches_the_API_server()
    {
        using var client = ClientFor(_server.AdminToken);

        var namespaces = await client.CoreV1.ListNamespaceAsync();
        var calls = File.ReadAllLines(Path.Combine(_directory, "calls")).Length;
        await client.CoreV1.ListNamespaceAsync();
        await client.CoreV1.ListNamespaceAsync();

        Assert.Contains(namespaces.Items, n => n.Metadata.Name == "default");
        Assert.Equal(calls, File.ReadAllLines(Path.Combine(_directory, "calls")).Length); // the credential is kept until it expires
    }

    [Fact]
    public async Task A_token_the_server_does_not_know_is_refused()
    {
        using var client = ClientFor("not-a-token");

        var refused = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ListNamespaceAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, refused.Response.StatusCode);
    }
}
