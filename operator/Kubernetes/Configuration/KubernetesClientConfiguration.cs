using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.Extensions.Logging;

namespace ImageRec.Operator.Kubernetes;

/// <summary>
/// How to reach and authenticate to an API server: from a kubeconfig, from inside a pod, or given
/// explicitly. <see cref="CreateHttpHandler"/> turns it into the HTTP handler chain the client uses.
/// </summary>
public sealed class KubernetesClientConfiguration
{
    /// <summary>Where a pod's service-account credentials are mounted.</summary>
    public const string DefaultServiceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount";

    public KubernetesClientConfiguration(Uri server)
    {
        Server = server ?? throw new ArgumentNullException(nameof(server));
    }

    /// <summary>The API server's base URL, e.g. https://10.96.0.1:443.</summary>
    public Uri Server { get; }

    /// <summary>The context's (or pod's) namespace; "default" when none is given.</summary>
    public string Namespace { get; init; } = "default";

    /// <summary>The CAs the server certificate must chain to; null trusts the system roots.</summary>
    public X509Certificate2Collection? CertificateAuthorities { get; init; }

    /// <summary>insecure-skip-tls-verify: accept any server certificate (development clusters only).</summary>
    public bool SkipTlsVerify { get; init; }

    /// <summary>tls-server-name: the name to expect in the server certificate when it differs from the host.</summary>
    public string? TlsServerName { get; init; }

    /// <summary>A fixed client certificate with its private key (kubeconfig client-certificate/-key).</summary>
    public X509Certificate2? ClientCertificate { get; init; }

    /// <summary>Bearer tokens (and exec-plugin certificates); null sends no Authorization header.</summary>
    public IKubernetesCredentialSource? Credentials { get; init; }

    /// <summary>An explicit server and optional token, e.g. a test double on loopback.</summary>
    public static KubernetesClientConfiguration ForServer(Uri server, string? token = null, string @namespace = "default") => new(server)
    {
        Namespace = @namespace,
        Credentials = token is null ? null : new StaticCredentialSource(new KubernetesCredentials(token)),
    };

    /// <summary>In-cluster when KUBERNETES_SERVICE_HOST is set, otherwise the default kubeconfig.</summary>
    public static KubernetesClientConfiguration Default(TimeProvider? timeProvider = null, ILogger? logger = null) =>
        IsInCluster() ? InCluster(timeProvider: timeProvider) : FromKubeConfig(timeProvider: timeProvider, logger: logger);

    public static bool IsInCluster() => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST"));

    /// <summary>
    /// The pod's own identity: server from KUBERNETES_SERVICE_HOST/PORT, token, CA and namespace from the
    /// service-account directory (https://kubernetes.io/docs/tasks/run-application/access-api-from-pod/).
    /// The token is re-read as the kubelet rotates it.
    /// </summary>
    public static KubernetesClientConfiguration InCluster(
        string? serviceAccountDirectory = null,
        string? host = null,
        string? port = null,
        TimeProvider? timeProvider = null)
    {
        host ??= Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST");
        port ??= Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_PORT");
        if (string.IsNullOrEmpty(host) || string.IsNullOrEmpty(port))
        {
            throw new InvalidOperationException("Not running in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be set.");
        }

        var directory = serviceAccountDirectory ?? DefaultServiceAccountDirectory;
        var namespaceFile = Path.Combine(directory, "namespace");
        var caFile = Path.Combine(directory, "ca.crt");
        // UriBuilder brackets IPv6 literals (KUBERNETES_SERVICE_HOST may be one).
        var server = new UriBuilder(Uri.UriSchemeHttps, host, int.Parse(port, System.Globalization.CultureInfo.InvariantCulture)).Uri;
        return new KubernetesClientConfiguration(server)
        {
            Namespace = File.Exists(namespaceFile) ? File.ReadAllText(namespaceFile).Trim() : "default",
            CertificateAuthorities = File.Exists(caFile) ? PemCertificates.LoadCertificates(File.ReadAllText(caFile)) : null,
            Credentials = new TokenFileCredentialSource(Path.Combine(directory, "token"), timeProvider),
        };
    }

    /// <summary>
    /// From a kubeconfig: <paramref name="path"/>, else $KUBECONFIG (a ':'-separated list), else ~/.kube/config;
    /// <paramref name="context"/> or the file's current-context.
    /// </summary>
    public static KubernetesClientConfiguration FromKubeConfig(
        string? path = null,
        string? context = null,
        TimeProvider? timeProvider = null,
        ILogger? logger = null)
    {
        var file = KubeConfigFile.Load(KubeConfigPaths(path));
        return FromKubeConfigFile(file, context, timeProvider, logger);
    }

    internal static KubernetesClientConfiguration FromKubeConfigFile(KubeConfigFile file, string? contextName, TimeProvider? timeProvider, ILogger? logger)
    {
        contextName ??= file.CurrentContext ?? throw new InvalidOperationException("The kubeconfig has no current-context; name a context.");
        if (!file.Contexts.TryGetValue(contextName, out var context))
        {
            throw new InvalidOperationException($"The kubeconfig has no context '{contextName}'.");
        }

        if (context.Cluster is null || !file.Clusters.TryGetValue(context.Cluster, out var cluster))
        {
            throw new InvalidOperationException($"Context '{contextName}' names cluster '{context.Cluster}', which the kubeconfig does not define.");
        }

        var user = context.User is not null && file.Users.TryGetValue(context.User, out var found) ? found : null;
        if (context.User is not null && user is null)
        {
            throw new InvalidOperationException($"Context '{contextName}' names user '{context.User}', which the kubeconfig does not define.");
        }

        var server = cluster.Server ?? throw new InvalidOperationException($"Cluster '{context.Cluster}' has no server.");
        return new KubernetesClientConfiguration(new Uri(server))
        {
            Namespace = context.Namespace ?? "default",
            CertificateAuthorities = LoadCertificateAuthorities(cluster),
            SkipTlsVerify = cluster.InsecureSkipTlsVerify,
            TlsServerName = cluster.TlsServerName,
            ClientCertificate = user is null ? null : LoadClientCertificate(user),
            Credentials = user is null ? null : CredentialSourceFor(user, timeProvider, logger),
        };
    }

    /// <summary>
    /// The handler chain: authentication (bearer token, refreshed on 401) over a SocketsHttpHandler with
    /// the client certificate and CA validation. <paramref name="transport"/> replaces the socket handler (tests).
    /// </summary>
    public HttpMessageHandler CreateHttpHandler(HttpMessageHandler? transport = null)
    {
        transport ??= CreateSocketsHandler();
        return Credentials is null ? transport : new KubernetesAuthenticationHandler(Credentials) { InnerHandler = transport };
    }

    private SocketsHttpHandler CreateSocketsHandler()
    {
        var handler = new SocketsHttpHandler
        {
            // Watches are long-lived; recycle pooled connections so a moved API server endpoint is picked up.
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(30),
            EnableMultipleHttp2Connections = true,
        };
        if (TlsServerName is not null)
        {
            handler.SslOptions.TargetHost = TlsServerName;
        }

        if (SkipTlsVerify)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        }
        else if (CertificateAuthorities is { Count: > 0 } authorities)
        {
            var validator = new ServerCertificateValidator(authorities);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
                validator.Validate(certificate as X509Certificate2, chain, errors);
        }

        if (ClientCertificate is not null)
        {
            handler.SslOptions.ClientCertificates = [ClientCertificate];
        }
        else if (Credentials is ExecCredentialSource exec)
        {
            // An exec plugin may hand out certificates that rotate: pick the current one per handshake.
            handler.SslOptions.LocalCertificateSelectionCallback = (_, _, _, _, _) => exec.CurrentClientCertificate!;
        }

        return handler;
    }

    private static IEnumerable<string> KubeConfigPaths(string? explicitPath)
    {
        if (!string.IsNullOrEmpty(explicitPath))
        {
            return [explicitPath];
        }

        var variable = Environment.GetEnvironmentVariable("KUBECONFIG");
        if (!string.IsNullOrEmpty(variable))
        {
            return variable.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        }

        return [Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config")];
    }

    private static X509Certificate2Collection? LoadCertificateAuthorities(KubeConfigCluster cluster)
    {
        if (cluster.CertificateAuthorityData is { } data)
        {
            return PemCertificates.LoadCertificates(DecodeBase64(data, "certificate-authority-data"));
        }

        return cluster.CertificateAuthority is { } file ? PemCertificates.LoadCertificates(File.ReadAllText(file)) : null;
    }

    private static X509Certificate2? LoadClientCertificate(KubeConfigUser user)
    {
        var certificate = user.ClientCertificateData is { } certData
            ? DecodeBase64(certData, "client-certificate-data")
            : user.ClientCertificate is { } certFile ? File.ReadAllText(certFile) : null;
        var key = user.ClientKeyData is { } keyData
            ? DecodeBase64(keyData, "client-key-data")
            : user.ClientKey is { } keyFile ? File.ReadAllText(keyFile) : null;
        if (certificate is null && key is null)
        {
            return null;
        }

        if (certificate is null || key is null)
        {
            throw new InvalidOperationException("A kubeconfig user with a client certificate needs its key too (and the other way round).");
        }

        return PemCertificates.LoadClientCertificate(certificate, key);
    }

    private static IKubernetesCredentialSource? CredentialSourceFor(KubeConfigUser user, TimeProvider? timeProvider, ILogger? logger)
    {
        if (user.Token is { } token)
        {
            return new StaticCredentialSource(new KubernetesCredentials(token));
        }

        if (user.TokenFile is { } tokenFile)
        {
            return new TokenFileCredentialSource(tokenFile, timeProvider);
        }

        return user.Exec is { } exec ? new ExecCredentialSource(exec, timeProvider, logger) : null;
    }

    private static string DecodeBase64(string data, string field)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(data));
        }
        catch (FormatException e)
        {
            throw new InvalidOperationException($"The kubeconfig field {field} is not valid base64.", e);
        }
    }
}
