using ImageRec.Operator.Cluster;
using k8s;

namespace ImageRec.Tests.Operator.Controllers;

/// <summary>
/// The controller against the Kubernetes API double, authorised by the chart's ClusterRole: owned
/// objects, the foreign-Deployment refusal, scaling on a scripted queue depth with status,
/// conditions and events, and leader failover.
/// </summary>
public sealed class RecognitionPoolControllerTests : IAsyncLifetime
{
    private OperatorTestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await OperatorTestCluster.StartAsync();

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Creates_the_owned_ServiceAccount_PodDisruptionBudget_and_a_hardened_Deployment()
    {
        var pool = await _cluster.CreatePoolAsync("photos", """
              worker:
                serviceAccount:
                  roleArn: arn:aws:iam::123456789012:role/imagerec-worker
            """);
        var uid = (string)pool["metadata"]!["uid"]!;
        var controller = _cluster.Controller();
        _cluster.Start(controller.RunAsync);

        var deployment = await OperatorTestCluster.EventuallyAsync(() => _cluster.DeploymentAsync("photos-worker"), d => d is not null, "worker Deployment");
        var owner = Assert.Single(deployment!.Metadata!.OwnerReferences!);
        Assert.Equal(("RecognitionPool", "photos", uid, true), (owner.Kind, owner.Name, owner.Uid, owner.Controller));
        Assert.Equal("photos", deployment.Metadata.Labels![WorkerNames.PoolLabel]);

        var pod = deployment.Spec!.Template!.Spec!;
        var container = Assert.Single(pod.Containers!);
        Assert.True(pod.SecurityContext!.RunAsNonRoot);
        Assert.Equal("RuntimeDefault", pod.SecurityContext.SeccompProfile!.Type);
        Assert.True(container.SecurityContext!.ReadOnlyRootFilesystem);
        Assert.False(container.SecurityContext.AllowPrivilegeEscalation);
        Assert.Equal(["ALL"], container.SecurityContext.Capabilities!.Drop!);
        Assert.Equal("/readyz", container.ReadinessProbe!.HttpGet!.Path);
        var env = container.Env!.Where(e => e.Value is not null).ToDictionary(e => e.Name!, e => e.Value!);
        Assert.Equal("https://sqs.us-east-1.amazonaws.com/123456789012/photos", env["Queue__RequestQueue"]);
        Assert.Equal(("in-bucket", "out-bucket"), (env["Storage__InputBucket"], env["Storage__ResultBucket"]));
        // The pool names no index table: the CRD's default.
        Assert.Equal("imagerec-images", env["Index__TableName"]);
        Assert.Equal("s3://models/m.onnx", env["Model__Uri"]);
        Assert.Equal("cpu", env["Model__ExecutionProvider"]);
        Assert.Equal("photos-worker", pod.ServiceAccountName);
        Assert.Null(pod.Tolerations);

        var serviceAccount = await _cluster.AdminClient.CoreV1.ReadNamespacedServiceAccountAsync("photos-worker", OperatorTestCluster.Namespace);
        Assert.Equal("arn:aws:iam::123456789012:role/imagerec-worker", serviceAccount.Metadata.Annotations["eks.amazonaws.com/role-arn"]);
        var budget = await _cluster.AdminClient.PolicyV1.ReadNamespacedPodDisruptionBudgetAsync("photos-worker", OperatorTestCluster.Namespace);
        Assert.Equal(1, budget.Spec.MaxUnavailable.ToInt());

        // The autoscaler set the minimum through its own field manager.
        await OperatorTestCluster.EventuallyAsync(() => _cluster.DeploymentAsync("photos-worker"), d => d?.Spec?.Replicas == 1, "replicas at the minimum");
        Assert.Contains(await _cluster.EventsAsync(), e => e.Reason == "DeploymentCreated" && e.Regarding?.Name == "photos");
    }

    [Fact]
    public async Task A_gpu_pool_asks_for_gpus_tolerates_the_taint_selects_the_node_group_and_tells_the_worker()
    {
        await _cluster.CreatePoolAsync("gpu", """
              compute:
                class: gpu
                nodeGroup: gpu-g5
                gpusPerWorker: 1
                requireGpu: true
            """);
        _cluster.Start(_cluster.Controller().RunAsync);

        var deployment = await OperatorTestCluster.EventuallyAsync(() => _cluster.DeploymentAsync("gpu-worker"), d => d is not null, "GPU Deployment");
        var pod = deployment!.Spec!.Template!.Spec!;
        var container = Assert.Single(pod.Containers!);
        Assert.Equal("1", container.Resources!.Limits![WorkerResourceBuilder.GpuResource].ToString());
        Assert.Contains(pod.Tolerations!, t => t is { Key: WorkerResourceBuilder.GpuResource, OperatorProperty: "Exists", Effect: "NoSchedule" });
        Assert.Equal("gpu-g5", pod.NodeSelector![WorkerResourceBuilder.NodeGroupLabel]);
        var env = container.Env!.Where(e => e.Value is not null).ToDictionary(e => e.Name!, e => e.Value!);
        Assert.Equal(("cuda", "true"), (env["Model__ExecutionProvider"], env["Model__RequireGpu"]));
    }

    [Fact]
    public async Task A_foreign_Deployment_of_the_same_name_is_refused_with_a_warning_not_adopted()
    {
        await _cluster.Admin.ApplyAsync($"/apis/apps/v1/namespaces/{OperatorTestCluster.Namespace}/deployments/mine-worker", """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: mine-worker}
            spec:
              replicas: 3
              selector: {matchLabels: {app: someone-else}}
              template:
                metadata: {labels: {app: someone-else}}
                spec: {containers: [{name: app, image: nginx}]}
            """, "someone-else");
        await _cluster.CreatePoolAsync("mine");
        _cluster.Start(_cluster.Controller().RunAsync);

        var pool = await OperatorTestCluster.EventuallyAsync(() => _cluster.PoolAsync("mine"),
            p => p?.Status?.Conditions.Any(c => c.Type == "Ready") == true, "Ready condition");
        var ready = pool!.Status!.Conditions.Single(c => c.Type == "Ready");
        Assert.Equal(("False", "ForeignDeployment"), (ready.Status, ready.Reason));
        Assert.Contains(await _cluster.EventsAsync(), e => e is { Type: "Warning", Reason: "ForeignDeployment" });

        var deployment = await _cluster.DeploymentAsync("mine-worker");
        Assert.Equal(3, deployment!.Spec!.Replicas);
        Assert.Null(deployment.Metadata!.OwnerReferences);
        Assert.Equal("nginx", deployment.Spec.Template!.Spec!.Containers![0].Image);
    }

    [Fact]
    public async Task Follows_a_scripted_queue_depth_with_status_conditions_and_events()
    {
        await _cluster.CreatePoolAsync("scaled");
        _cluster.Start(_cluster.Controller().RunAsync);
        await OperatorTestCluster.EventuallyAsync(() => _cluster.DeploymentAsync("scaled-worker"), d => d?.Spec?.Replicas == 1, "minimum");

        _cluster.Queue.Visible = 45; // 10 per worker → 5
        await OperatorTestCluster.EventuallyAsync(() => _cluster.DeploymentAsync("scaled-worker"), d => d?.Spec?.Replicas == 5, "scale-out to 5");
        var pool = await OperatorTestCluster.EventuallyAsync(() => _cluster.PoolAsync("scaled"),
            p => p?.Status is { DesiredReplicas: 5, Queue.Visible: 45 }, "status after scale-out");
        Assert.Equal(pool!.Generation, pool.Status!.ObservedGeneration);
        Assert.Equal(("True", "QueueRead"), Condition(pool, "QueueReachable"));
        Assert.NotNull(pool.Status.LastScaleTime);
        // The event is recorded after the change it tells of: wait for it rather than read at once.
        await OperatorTestCluster.EventuallyAsync(_cluster.EventsAsync,
            events => events.Any(e => e is { Type: "Normal", Reason: "ScaledOut" } && e.Note!.Contains("from 1 to 5")), "ScaledOut event");

        _cluster.Queue.Unreachable = true; // errors never scale in
        pool = await OperatorTestCluster.EventuallyAsync(() => _cluster.PoolAsync("scaled"),
            p => p?.Status?.Conditions.Any(c => c is { Type: "QueueReachable", Status: "False" }) == true, "QueueReachable=False");
        Assert.Contains("NonExistentQueue", pool!.Status!.Conditions.Single(c => c.Type == "QueueReachable").Message);
        Assert.Equal(5, (await _cluster.DeploymentAsync("scaled-worker"))!.Spec!.Replicas);
        await OperatorTestCluster.EventuallyAsync(_cluster.EventsAsync, events => events.Any(e => e is { Type: "Warning", Reason: "QueueUnreachable" }), "QueueUnreachable event");

        _cluster.Queue.Unreachable = false;
        _cluster.Queue.Visible = 0; // drained: back to the minimum after the 2 s stabilisation
        await OperatorTestCluster.EventuallyAsync(() => _cluster.DeploymentAsync("scaled-worker"), d => d?.Spec?.Replicas == 1, "scale-in to 1");
        await OperatorTestCluster.EventuallyAsync(_cluster.EventsAsync, events => events.Any(e => e is { Reason: "ScaledIn" }), "ScaledIn event");

        // The chart's ClusterRole allowed all of it, and nothing more: the operator cannot delete Deployments.
        var denied = await Assert.ThrowsAnyAsync<k8s.Autorest.HttpOperationException>(() =>
            _cluster.OperatorClient().AppsV1.DeleteNamespacedDeploymentAsync("scaled-worker", OperatorTestCluster.Namespace));
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, denied.Response.StatusCode);
    }

    [Fact]
    public async Task A_second_replica_takes_over_when_the_leader_stops()
    {
        static OperatorHost Host(OperatorTestCluster cluster, string identity)
        {
            var client = cluster.OperatorClient();
            var options = Microsoft.Extensions.Options.Options.Create(new OperatorOptions
            {
                LeaderElection = true, Identity = identity, LeaseNamespace = OperatorTestCluster.Namespace,
                LeaseDuration = TimeSpan.FromSeconds(10), RenewDeadline = TimeSpan.FromSeconds(5), RetryPeriod = TimeSpan.FromMilliseconds(300),
            });
            return new OperatorHost(cluster.Controller(client), client, options, TimeProvider.System,
                Microsoft.Extensions.Logging.Abstractions.NullLogger<OperatorHost>.Instance);
        }

        var first = Host(_cluster, "operator-a");
        var second = Host(_cluster, "operator-b");
        var a = _cluster.Start(first.StartAsync);
        await OperatorTestCluster.EventuallyAsync(() => Holder(), h => h == "operator-a", "operator-a leads");
        var b = _cluster.Start(second.StartAsync);

        await _cluster.CreatePoolAsync("ha");
        await OperatorTestCluster.EventuallyAsync(() => _cluster.DeploymentAsync("ha-worker"), d => d?.Spec?.Replicas == 1, "the leader reconciles");
        Assert.Equal("operator-a", await Holder());

        // A graceful stop hands the lease back: the follower takes over well before the 10 s lease would expire.
        await first.StopAsync(CancellationToken.None);
        await OperatorTestCluster.StopAsync(a);
        await OperatorTestCluster.EventuallyAsync(() => Holder(), h => h == "operator-b", "operator-b takes over", seconds: 5);

        _cluster.Queue.Visible = 30;
        await OperatorTestCluster.EventuallyAsync(() => _cluster.DeploymentAsync("ha-worker"), d => d?.Spec?.Replicas == 3, "the new leader scales");
        await second.StopAsync(CancellationToken.None);
        await OperatorTestCluster.StopAsync(b);
    }

    private async Task<string?> Holder()
    {
        try
        {
            return (await _cluster.AdminClient.CoordinationV1.ReadNamespacedLeaseAsync("imagerec-operator", OperatorTestCluster.Namespace)).Spec?.HolderIdentity;
        }
        catch (Exception e) when (e.IsNotFound())
        {
            return null;
        }
    }

    private static (string, string) Condition(ImageRec.Operator.Entities.RecognitionPool pool, string type)
    {
        var condition = pool.Status!.Conditions.Single(c => c.Type == type);
        return (condition.Status, condition.Reason);
    }
}
