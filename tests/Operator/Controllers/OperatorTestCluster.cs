using System.Diagnostics.Metrics;
using ImageRec.Operator.Cluster;
using ImageRec.Operator.Entities;
using ImageRec.Operator.Observability;
using ImageRec.Operator.Scaling;
using ImageRec.Tests.Chart;
using ImageRec.Tests.Chart.Support;
using ImageRec.Tests.Infrastructure;
using ImageRec.Tests.Infrastructure.KubernetesApi;
using ImageRec.Tests.KubernetesApi;
using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImageRec.Tests.Operator.Controllers;

/// <summary>
/// The operator against the Kubernetes API double: the generated CRD installed, the operator
/// authenticated as its ServiceAccount and authorised by exactly the ClusterRole the Helm chart
/// renders (any call the chart does not allow fails), and a scripted queue. The operator talks to it
/// through the official Kubernetes client, configured from a kubeconfig the way it is outside a cluster.
/// </summary>
public sealed class OperatorTestCluster : IAsyncDisposable
{
    public const string Namespace = "default";

    private readonly List<(CancellationTokenSource Stop, Task Run)> _running = [];

    public required KubernetesApiServer Server { get; init; }
    public required ApiClient Admin { get; init; }
    public required IKubernetes AdminClient { get; init; }
    public required string OperatorToken { get; init; }
    public ScriptedQueueDepth Queue { get; } = new();

    public static async Task<OperatorTestCluster> StartAsync()
    {
        var server = await KubernetesApiServer.StartAsync(new KubernetesApiServerOptions { BookmarkInterval = TimeSpan.FromSeconds(1) });
        var admin = new ApiClient(server);
        var crd = await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "crds", "recognitionpools.imagerec.io.yaml"));
        await admin.CreateAsync("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd);

        var role = RenderedChart.Template(4, "--show-only", OperatorClusterRoleTests.Template);
        Assert.True(role.Succeeded, role.Describe());
        var operatorToken = server.AddServiceAccountToken("imagerec", "imagerec-operator", role.StdOut);
        return new OperatorTestCluster { Server = server, Admin = admin, AdminClient = Client(server, server.AdminToken), OperatorToken = operatorToken };
    }

    /// <summary>
    /// The Kubernetes client as the operator builds it from a kubeconfig (this server's CA, a bearer token, the
    /// default namespace); <paramref name="handlers"/> sit between the client and the network (fault injection).
    /// </summary>
    public static IKubernetes Client(KubernetesApiServer server, string token, params DelegatingHandler[] handlers)
    {
        var path = Path.Combine(Path.GetTempPath(), $"imagerec-kubeconfig-{Guid.NewGuid():N}");
        server.WriteKubeconfig(path, token, Namespace);
        try
        {
            return new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(path), handlers);
        }
        finally
        {
            File.Delete(path);
        }
    }

    public IKubernetes OperatorClient(params DelegatingHandler[] handlers) => Client(Server, OperatorToken, handlers);

    public RecognitionPoolController Controller(IKubernetes? client = null, ILoggerFactory? loggers = null, TimeSpan? resync = null)
    {
        client ??= OperatorClient();
        loggers ??= NullLoggerFactory.Instance;
        var services = new ServiceCollection().AddMetrics().AddHttpClient().BuildServiceProvider();
        return new RecognitionPoolController(client, Queue, new EventRecorder(client, "operator-test", TimeProvider.System, loggers.CreateLogger<EventRecorder>()),
            new OperatorMetrics(services.GetRequiredService<IMeterFactory>()), services.GetRequiredService<IHttpClientFactory>(),
            TimeProvider.System, loggers)
        {
            Resync = resync ?? TimeSpan.FromSeconds(30),
        };
    }

    /// <summary>Runs a controller (or any loop) until the cluster is disposed or <see cref="StopAsync"/> is called.</summary>
    public (CancellationTokenSource Stop, Task Run) Start(Func<CancellationToken, Task> run)
    {
        var stop = new CancellationTokenSource();
        var entry = (stop, Task.Run(() => run(stop.Token)));
        _running.Add(entry);
        return entry;
    }

    public static async Task StopAsync((CancellationTokenSource Stop, Task Run) running)
    {
        await running.Stop.CancelAsync();
        await running.Run.WaitAsync(TimeSpan.FromSeconds(20));
    }

    public const string FastScaling = "{minReplicas: 1, maxReplicas: 6, messagesPerReplica: 10, pollInterval: 300ms, scaleDownStabilization: 2s}";

    /// <summary>Creates a pool as a user would (admin credentials); <paramref name="extraSpec"/> holds more spec lines, indented two spaces.</summary>
    public Task<System.Text.Json.Nodes.JsonObject> CreatePoolAsync(string name, string extraSpec = "", string scaling = FastScaling) =>
        Admin.CreateAsync($"/apis/imagerec.io/v1alpha1/namespaces/{Namespace}/recognitionpools",
            RecognitionPoolManifest.Yaml(name, $"https://sqs.us-east-1.amazonaws.com/123456789012/{name}", scaling, extraSpec: extraSpec));

    public Task<RecognitionPool?> PoolAsync(string name) => AdminClient.GetPoolAsync(Namespace, name);

    public async Task<V1Deployment?> DeploymentAsync(string name)
    {
        try
        {
            return await AdminClient.AppsV1.ReadNamespacedDeploymentAsync(name, Namespace);
        }
        catch (Exception e) when (e.IsNotFound())
        {
            return null;
        }
    }

    public async Task<IReadOnlyList<Eventsv1Event>> EventsAsync() => [.. (await AdminClient.EventsV1.ListNamespacedEventAsync(Namespace)).Items];

    public static async Task<T> EventuallyAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what, double seconds = 15)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        T value;
        while (!done(value = await probe()))
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"{what}: not reached within {seconds} s (last: {System.Text.Json.JsonSerializer.Serialize(value)})");
            await Task.Delay(100);
        }
        return value;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var running in _running)
        {
            await running.Stop.CancelAsync();
            await running.Run.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        Admin.Dispose();
        AdminClient.Dispose();
        await Server.DisposeAsync();
    }
}
