using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ImageRec.Tests.Infrastructure.KubernetesApi;

/// <summary>
/// An in-process Kubernetes API server double on a real loopback port, for the operator's HTTP client and for
/// the real kubectl. Start it with <see cref="StartAsync"/>, talk to <see cref="BaseAddress"/> with
/// <see cref="AdminToken"/> or a service-account token from <see cref="AddServiceAccountToken"/>, and give kubectl a
/// kubeconfig from <see cref="WriteKubeconfig"/>. See the files beside this one for what is faithful and what is simplified.
/// </summary>
public sealed class KubernetesApiServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping = new();
    private readonly TokenRegistry _tokens;
    private Task _bookmarks = Task.CompletedTask;

    private KubernetesApiServer(WebApplication app, ObjectStore store, ResourceCatalog catalog, TokenRegistry tokens)
    {
        _app = app;
        Store = store;
        Catalog = catalog;
        _tokens = tokens;
        AdminToken = tokens.Issue(new ApiUser("kubernetes-admin", null));
    }

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>A token with every right (the user is in system:masters), for fixtures and kubectl.</summary>
    public string AdminToken { get; }

    public ObjectStore Store { get; }

    public ResourceCatalog Catalog { get; }

    public static async Task<KubernetesApiServer> StartAsync(KubernetesApiServerOptions? options = null)
    {
        options ??= new KubernetesApiServerOptions();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(ServerCertificate.Certificate)));
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = TimeSpan.FromSeconds(2));
        var app = builder.Build();

        var catalog = new ResourceCatalog();
        var store = new ObjectStore(catalog, options.WatchHistoryCapacity);
        var tokens = new TokenRegistry();
        var server = new KubernetesApiServer(app, store, catalog, tokens);
        var openApiDirectory = options.OpenApiDirectory ?? Path.Combine(RepositoryPaths.SharedTestData, "k8s-openapi", "v3");
        var handler = new ApiRequestHandler(store, catalog, tokens, new DiscoveryDocuments(catalog),
            new OpenApiDocuments(Directory.Exists(openApiDirectory) ? openApiDirectory : null, catalog), options, server._stopping.Token);
        app.Run(handler.HandleAsync);

        foreach (var ns in options.InitialNamespaces)
            store.Create(BuiltInResourceTypes.Namespaces, "", new JsonObject { ["metadata"] = new JsonObject { ["name"] = ns } }, new WriteContext("kube-apiserver"));

        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseAddress = new Uri(address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal) + "/");
        if (options.BookmarkInterval is { } interval) server._bookmarks = server.SendBookmarksAsync(interval);
        return server;
    }

    /// <summary>
    /// A token for service account &lt;ns&gt;/&lt;name&gt; (user system:serviceaccount:&lt;ns&gt;:&lt;name&gt;) bound to the ClusterRole in
    /// <paramref name="clusterRoleYaml"/> (a manifest or a multi-document file; pick one with <paramref name="clusterRoleName"/>).
    /// Bound cluster-wide like a ClusterRoleBinding, or only in <paramref name="bindingNamespace"/> like a RoleBinding.
    /// </summary>
    public string AddServiceAccountToken(string ns, string name, string clusterRoleYaml, string? clusterRoleName = null, string? bindingNamespace = null) =>
        _tokens.Issue(new ApiUser(ApiUser.ServiceAccountName(ns, name), ClusterRole.Parse(clusterRoleYaml, clusterRoleName), bindingNamespace));

    /// <summary>A token for any user name bound to <paramref name="role"/>.</summary>
    public string AddUserToken(string userName, ClusterRole role, string? bindingNamespace = null) =>
        _tokens.Issue(new ApiUser(userName, role, bindingNamespace));

    /// <summary>PEM of the certificate authority that signed the server's certificate (the server's own, self-signed).</summary>
    public string CertificateAuthorityPem => ServerCertificate.Pem;

    /// <summary>An HTTP handler that trusts this server's certificate, for HttpClient-based clients under test.</summary>
    public HttpMessageHandler CreateHttpHandler() => new SocketsHttpHandler
    {
        SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, _) => ServerCertificate.Trusts(certificate) },
    };

    /// <summary>Writes a kubeconfig for kubectl (server https://127.0.0.1:PORT with this server's CA, bearer token, default namespace) and returns its path.</summary>
    public string WriteKubeconfig(string path, string? token = null, string? ns = null)
    {
        File.WriteAllText(path, Kubeconfig.Render(BaseAddress, CertificateAuthorityPem, token ?? AdminToken, ns));
        return path;
    }

    /// <summary>Drops the watch history; a watch from any earlier resourceVersion now gets 410 Gone.</summary>
    public void Compact() => Store.Compact();

    /// <summary>Sends a BOOKMARK now to every watch that allows them.</summary>
    public void TriggerBookmarks() => Store.TriggerBookmarks();

    public long ResourceVersion => Store.CurrentResourceVersion;

    private async Task SendBookmarksAsync(TimeSpan interval)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token)) Store.TriggerBookmarks();
        }
        catch (OperationCanceledException) { }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        Store.CloseAllWatches();
        await _bookmarks;
        await _app.StopAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
    }
}
