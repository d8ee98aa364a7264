using System.Net;
using System.Net.Security;
using ImageRec.Operator.Kubernetes;

namespace ImageRec.Tests.Operator.Kubernetes;

/// <summary>kubeconfig and in-cluster configuration: servers, namespaces, TLS material and credential sources.</summary>
public sealed class KubernetesClientConfigurationTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("kubeconfig-tests-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Token_user_with_CA_data_and_the_current_context_namespace()
    {
        using var ca = TestCertificates.CreateCertificateAuthority();
        var path = Write("config", $"""
            apiVersion: v1
            kind: Config
            current-context: dev
            clusters:
            - name: dev-cluster
              cluster:
                server: https://dev.example:6443
                certificate-authority-data: {TestCertificates.Base64(ca.ExportCertificatePem())}
            users:
            - name: dev-user
              user:
                token: dev-token
            contexts:
            - name: dev
              context:
                cluster: dev-cluster
                user: dev-user
                namespace: imagerec
            """);

        var config = KubernetesClientConfiguration.FromKubeConfig(path);

        Assert.Equal(new Uri("https://dev.example:6443"), config.Server);
        Assert.Equal("imagerec", config.Namespace);
        Assert.Equal(ca.Thumbprint, Assert.Single(config.CertificateAuthorities!).Thumbprint);
        Assert.False(config.SkipTlsVerify);
        var credentials = await config.Credentials!.GetCredentialsAsync(CancellationToken.None);
        Assert.Equal("dev-token", credentials.Token);
    }

    [Fact]
    public void A_named_context_wins_over_current_context_and_files_resolve_relative_to_the_kubeconfig()
    {
        using var ca = TestCertificates.CreateCertificateAuthority();
        Write("certs/ca.crt", ca.ExportCertificatePem());
        var (certificate, key) = TestCertificates.CreateClientPem(rsa: true);
        Write("certs/client.crt", certificate);
        Write("certs/client.key", key);
        var path = Write("config", """
            current-context: other
            clusters:
            - name: prod
              cluster:
                server: https://prod.example
                certificate-authority: certs/ca.crt
            - name: other
              cluster:
                server: https://other.example
                insecure-skip-tls-verify: true
            users:
            - name: admin
              user:
                client-certificate: certs/client.crt
                client-key: certs/client.key
            contexts:
            - name: other
              context: {cluster: other}
            - name: prod
              context: {cluster: prod, user: admin}
            """);

        var other = KubernetesClientConfiguration.FromKubeConfig(path);
        var prod = KubernetesClientConfiguration.FromKubeConfig(path, context: "prod");

        Assert.True(other.SkipTlsVerify);
        Assert.Null(other.Credentials);
        Assert.Equal("default", other.Namespace);
        Assert.Equal(new Uri("https://prod.example"), prod.Server);
        Assert.Equal(ca.Thumbprint, Assert.Single(prod.CertificateAuthorities!).Thumbprint);
        Assert.True(prod.ClientCertificate!.HasPrivateKey);
        Assert.Contains("CN=test-user", prod.ClientCertificate.Subject);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Client_certificate_data_loads_with_RSA_and_EC_keys(bool rsa)
    {
        var (certificate, key) = TestCertificates.CreateClientPem(rsa);
        var path = Write("config", $$$"""
            current-context: c
            clusters: [{name: c, cluster: {server: "https://c.example"}}]
            users:
            - name: u
              user:
                client-certificate-data: {{{TestCertificates.Base64(certificate)}}}
                client-key-data: {{{TestCertificates.Base64(key)}}}
            contexts: [{name: c, context: {cluster: c, user: u}}]
            """);

        var config = KubernetesClientConfiguration.FromKubeConfig(path);

        Assert.True(config.ClientCertificate!.HasPrivateKey);
        Assert.Null(config.Credentials);
        using var handler = config.CreateHttpHandler();
        Assert.IsType<SocketsHttpHandler>(handler);
    }

    [Fact]
    public void Missing_context_cluster_or_key_is_a_clear_error()
    {
        var (certificate, _) = TestCertificates.CreateClientPem(rsa: false);
        var path = Write("config", $$$"""
            current-context: c
            clusters: [{name: c, cluster: {server: "https://c.example"}}]
            users:
            - name: u
              user:
                client-certificate-data: {{{TestCertificates.Base64(certificate)}}}
            contexts: [{name: c, context: {cluster: c, user: u}}, {name: d, context: {cluster: nowhere}}]
            """);

        Assert.Contains("no context 'x'", Assert.Throws<InvalidOperationException>(() => KubernetesClientConfiguration.FromKubeConfig(path, "x")).Message);
        Assert.Contains("cluster 'nowhere'", Assert.Throws<InvalidOperationException>(() => KubernetesClientConfiguration.FromKubeConfig(path, "d")).Message);
        Assert.Contains("needs its key", Assert.Throws<InvalidOperationException>(() => KubernetesClientConfiguration.FromKubeConfig(path)).Message);
    }

    [Fact]
    public void The_server_certificate_must_chain_to_the_cluster_CA_only()
    {
        using var ca = TestCertificates.CreateCertificateAuthority();
        using var otherCa = TestCertificates.CreateCertificateAuthority("CN=someone-else");
        using var server = TestCertificates.CreateSignedBy(ca);
        using var impostor = TestCertificates.CreateSignedBy(otherCa);
        var validator = new ServerCertificateValidator([ca]);

        Assert.True(validator.Validate(server, null, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.False(validator.Validate(impostor, null, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.False(validator.Validate(server, null, SslPolicyErrors.RemoteCertificateNameMismatch));
        Assert.False(validator.Validate(null, null, SslPolicyErrors.RemoteCertificateNotAvailable));
    }

    [Fact]
    public async Task Exec_plugin_runs_with_args_and_env_is_cached_until_expiry_and_rerun_after_invalidation()
    {
        var time = new ManualTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var script = Write("bin/get-token.sh", """
            #!/bin/sh
            dir=$(dirname "$0")
            n=$(cat "$dir/count" 2>/dev/null || echo 0)
            n=$((n+1))
            echo "$n" > "$dir/count"
            echo "{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\",\"status\":{\"token\":\"$TOKEN_PREFIX-$1-$n\",\"expirationTimestamp\":\"2030-01-01T00:10:00Z\"}}"
            """);
        MakeExecutable(script);
        var path = Write("config", """
            current-context: eks
            clusters: [{name: eks, cluster: {server: "https://eks.example"}}]
            users:
            - name: aws
              user:
                exec:
                  apiVersion: client.authentication.k8s.io/v1
                  command: ./bin/get-token.sh
                  args: [cluster-a]
                  env: [{name: TOKEN_PREFIX, value: k8s-aws-v1}]
                  interactiveMode: Never
            contexts: [{name: eks, context: {cluster: eks, user: aws}}]
            """);
        var config = KubernetesClientConfiguration.FromKubeConfig(path, timeProvider: time);
        var exec = Assert.IsType<ExecCredentialSource>(config.Credentials);

        var first = await exec.GetCredentialsAsync(CancellationToken.None);
        time.Advance(TimeSpan.FromMinutes(9));
        var beforeExpiry = await exec.GetCredentialsAsync(CancellationToken.None);
        time.Advance(TimeSpan.FromMinutes(2));
        var afterExpiry = await exec.GetCredentialsAsync(CancellationToken.None);
        exec.Invalidate();
        var afterUnauthorized = await exec.GetCredentialsAsync(CancellationToken.None);

        Assert.Equal("k8s-aws-v1-cluster-a-1", first.Token);
        Assert.Equal(new DateTimeOffset(2030, 1, 1, 0, 10, 0, TimeSpan.Zero), first.ExpiresAt);
        Assert.Equal("k8s-aws-v1-cluster-a-1", beforeExpiry.Token);
        Assert.Equal("k8s-aws-v1-cluster-a-2", afterExpiry.Token);
        Assert.Equal("k8s-aws-v1-cluster-a-3", afterUnauthorized.Token);
        Assert.Equal(3, exec.Executions);
    }

    [Fact]
    public async Task Exec_plugin_failures_and_wrong_output_are_reported()
    {
        var failing = Write("fail.sh", "#!/bin/sh\necho 'no credentials' >&2\nexit 3\n");
        var wrong = Write("wrong.sh", "#!/bin/sh\necho '{\"apiVersion\":\"client.authentication.k8s.io/v1beta1\",\"kind\":\"ExecCredential\",\"status\":{\"token\":\"t\"}}'\n");
        MakeExecutable(failing);
        MakeExecutable(wrong);

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await new ExecCredentialSource(new ExecPluginConfig("client.authentication.k8s.io/v1", failing, [], [])).GetCredentialsAsync(CancellationToken.None));
        var mismatch = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await new ExecCredentialSource(new ExecPluginConfig("client.authentication.k8s.io/v1", wrong, [], [])).GetCredentialsAsync(CancellationToken.None));
        var v1beta1 = await new ExecCredentialSource(new ExecPluginConfig("client.authentication.k8s.io/v1beta1", wrong, [], [])).GetCredentialsAsync(CancellationToken.None);

        Assert.Contains("exited with 3: no credentials", failure.Message);
        Assert.Contains("expected ExecCredential client.authentication.k8s.io/v1", mismatch.Message);
        Assert.Equal("t", v1beta1.Token);
        Assert.Null(v1beta1.ExpiresAt);
    }

    [Fact]
    public async Task In_cluster_reads_the_service_account_and_rereads_a_rotated_token()
    {
        using var ca = TestCertificates.CreateCertificateAuthority();
        var accountDirectory = Path.Combine(_directory, "serviceaccount");
        Write("serviceaccount/ca.crt", ca.ExportCertificatePem());
        Write("serviceaccount/namespace", "imagerec-system\n");
        var tokenFile = Write("serviceaccount/token", "token-1\n");
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow);

        var config = KubernetesClientConfiguration.InCluster(accountDirectory, host: "10.96.0.1", port: "443", timeProvider: time);
        var first = await config.Credentials!.GetCredentialsAsync(CancellationToken.None);
        // The kubelet rotates the projected token: a new file (new modification time).
        File.WriteAllText(tokenFile, "token-2\n");
        File.SetLastWriteTimeUtc(tokenFile, DateTime.UtcNow.AddMinutes(1));
        var rotated = await config.Credentials.GetCredentialsAsync(CancellationToken.None);
        // Same modification time (coarse file system clock): the periodic re-read still picks it up.
        var writtenAt = File.GetLastWriteTimeUtc(tokenFile);
        File.WriteAllText(tokenFile, "token-3\n");
        File.SetLastWriteTimeUtc(tokenFile, writtenAt);
        var unchanged = await config.Credentials.GetCredentialsAsync(CancellationToken.None);
        time.Advance(TimeSpan.FromMinutes(1));
        var reread = await config.Credentials.GetCredentialsAsync(CancellationToken.None);

        Assert.Equal(new Uri("https://10.96.0.1/"), config.Server);
        Assert.Equal("imagerec-system", config.Namespace);
        Assert.Equal(ca.Thumbprint, Assert.Single(config.CertificateAuthorities!).Thumbprint);
        Assert.Equal("token-1 token-2 token-2 token-3", string.Join(" ", first.Token, rotated.Token, unchanged.Token, reread.Token));
    }

    [Fact]
    public void In_cluster_brackets_an_IPv6_service_host_and_needs_the_environment()
    {
        var config = KubernetesClientConfiguration.InCluster(_directory, host: "fd00::1", port: "6443");

        Assert.Equal("https://[fd00::1]:6443/", config.Server.AbsoluteUri);
        Assert.Throws<InvalidOperationException>(() => KubernetesClientConfiguration.InCluster(_directory, host: "", port: ""));
    }

    [Fact]
    public async Task Bearer_token_is_sent_and_refreshed_once_after_a_401()
    {
        var tokenFile = Write("token", "old-token");
        var config = new KubernetesClientConfiguration(new Uri(ScriptedKubernetesHandler.Server))
        {
            Credentials = new TokenFileCredentialSource(tokenFile),
        };
        var transport = new ScriptedKubernetesHandler(request =>
        {
            if (request.Authorization == "Bearer new-token")
            {
                return ScriptedKubernetesHandler.Json(HttpStatusCode.OK, """{"metadata":{"name":"w"}}""");
            }

            // The token rotated behind our back.
            File.WriteAllText(tokenFile, "new-token");
            File.SetLastWriteTimeUtc(tokenFile, DateTime.UtcNow.AddMinutes(5));
            return ScriptedKubernetesHandler.Status(HttpStatusCode.Unauthorized, "Unauthorized");
        });
        using var client = new KubernetesClient(new HttpClient(config.CreateHttpHandler(transport)), config.Server);

        var pod = await client.GetAsync(KubernetesResources.Pods, "ns", "w");

        Assert.Equal("w", pod!.Metadata!.Name);
        Assert.Equal(new List<string?> { "Bearer old-token", "Bearer new-token" }, transport.Requests.Select(r => r.Authorization).ToList());
    }

    [Fact]
    public void Explicit_server_and_token_for_tests()
    {
        var config = KubernetesClientConfiguration.ForServer(new Uri("http://127.0.0.1:8001"), "t0k3n", "ns1");

        Assert.Equal("ns1", config.Namespace);
        Assert.IsType<KubernetesAuthenticationHandler>(config.CreateHttpHandler());
    }

    private static void MakeExecutable(string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private string Write(string relativePath, string content)
    {
        var path = Path.Combine(_directory, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }
}
