using YamlDotNet.RepresentationModel;

namespace ImageRec.Operator.Kubernetes;

/// <summary>
/// The parts of a kubeconfig file (https://kubernetes.io/docs/concepts/configuration/organize-cluster-access-kubeconfig/)
/// a client needs, read through YamlDotNet's node model. File paths inside are resolved against the
/// file's own directory, as kubectl does. Several files (KUBECONFIG=a:b) merge with the first definition winning.
/// </summary>
internal sealed class KubeConfigFile
{
    public string? CurrentContext { get; private set; }

    public Dictionary<string, KubeConfigCluster> Clusters { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, KubeConfigUser> Users { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, KubeConfigContext> Contexts { get; } = new(StringComparer.Ordinal);

    public static KubeConfigFile Load(IEnumerable<string> paths)
    {
        var merged = new KubeConfigFile();
        var any = false;
        foreach (var path in paths)
        {
            if (!File.Exists(path))
            {
                continue;
            }

            any = true;
            var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
            using var reader = new StreamReader(path);
            merged.Merge(reader, directory);
        }

        return any ? merged : throw new FileNotFoundException($"No kubeconfig file found at {string.Join(", ", paths)}.");
    }

    public static KubeConfigFile Parse(string yaml, string baseDirectory)
    {
        var file = new KubeConfigFile();
        file.Merge(new StringReader(yaml), baseDirectory);
        return file;
    }

    private void Merge(TextReader reader, string directory)
    {
        var stream = new YamlStream();
        stream.Load(reader);
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            return;
        }

        CurrentContext ??= Scalar(root, "current-context") is { Length: > 0 } current ? current : null;
        foreach (var (name, body) in NamedEntries(root, "clusters", "cluster"))
        {
            Clusters.TryAdd(name, new KubeConfigCluster(
                Server: Scalar(body, "server"),
                CertificateAuthority: ResolvePath(Scalar(body, "certificate-authority"), directory),
                CertificateAuthorityData: Scalar(body, "certificate-authority-data"),
                InsecureSkipTlsVerify: Scalar(body, "insecure-skip-tls-verify") is "true" or "True",
                TlsServerName: Scalar(body, "tls-server-name")));
        }

        foreach (var (name, body) in NamedEntries(root, "users", "user"))
        {
            Users.TryAdd(name, new KubeConfigUser(
                Token: Scalar(body, "token"),
                TokenFile: ResolvePath(Scalar(body, "tokenFile"), directory),
                ClientCertificate: ResolvePath(Scalar(body, "client-certificate"), directory),
                ClientCertificateData: Scalar(body, "client-certificate-data"),
                ClientKey: ResolvePath(Scalar(body, "client-key"), directory),
                ClientKeyData: Scalar(body, "client-key-data"),
                Exec: ReadExec(body, directory)));
        }

        foreach (var (name, body) in NamedEntries(root, "contexts", "context"))
        {
            Contexts.TryAdd(name, new KubeConfigContext(Scalar(body, "cluster"), Scalar(body, "user"), Scalar(body, "namespace")));
        }
    }

    private static ExecPluginConfig? ReadExec(YamlMappingNode user, string directory)
    {
        if (Child(user, "exec") is not YamlMappingNode exec)
        {
            return null;
        }

        var command = Scalar(exec, "command") ?? throw new InvalidOperationException("A kubeconfig exec section needs a command.");
        // client-go: a command with a path separator is relative to the kubeconfig; a bare name is looked up on PATH.
        if (command.Contains('/') && !System.IO.Path.IsPathRooted(command))
        {
            command = System.IO.Path.GetFullPath(System.IO.Path.Combine(directory, command));
        }

        var args = Child(exec, "args") is YamlSequenceNode argNodes
            ? argNodes.Children.OfType<YamlScalarNode>().Select(a => a.Value ?? "").ToList()
            : [];
        var env = Child(exec, "env") is YamlSequenceNode envNodes
            ? envNodes.Children.OfType<YamlMappingNode>()
                .Select(e => KeyValuePair.Create(Scalar(e, "name") ?? "", Scalar(e, "value") ?? ""))
                .Where(e => e.Key.Length > 0)
                .ToList()
            : [];
        return new ExecPluginConfig(Scalar(exec, "apiVersion") ?? "", command, args, env, Scalar(exec, "installHint"));
    }

    private static IEnumerable<(string Name, YamlMappingNode Body)> NamedEntries(YamlMappingNode root, string listKey, string bodyKey)
    {
        if (Child(root, listKey) is not YamlSequenceNode list)
        {
            yield break;
        }

        foreach (var entry in list.Children.OfType<YamlMappingNode>())
        {
            if (Scalar(entry, "name") is { Length: > 0 } name && Child(entry, bodyKey) is YamlMappingNode body)
            {
                yield return (name, body);
            }
        }
    }

    private static YamlNode? Child(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;

    private static string? Scalar(YamlMappingNode node, string key) =>
        Child(node, key) is YamlScalarNode { Value: { Length: > 0 } value } ? value : null;

    private static string? ResolvePath(string? path, string directory) =>
        path is null ? null : System.IO.Path.GetFullPath(System.IO.Path.Combine(directory, path));
}

internal sealed record KubeConfigCluster(string? Server, string? CertificateAuthority, string? CertificateAuthorityData, bool InsecureSkipTlsVerify, string? TlsServerName);

internal sealed record KubeConfigUser(
    string? Token,
    string? TokenFile,
    string? ClientCertificate,
    string? ClientCertificateData,
    string? ClientKey,
    string? ClientKeyData,
    ExecPluginConfig? Exec);

internal sealed record KubeConfigContext(string? Cluster, string? User, string? Namespace);
