using System.Net;
using System.Text.Json.Nodes;
using ImageRec.Operator.Cluster;
using ImageRec.Operator.Entities;
using ImageRec.Tests.Operator.Controllers;
using k8s.Autorest;

namespace ImageRec.Tests.Operator.Cluster;

/// <summary>
/// <see cref="RecognitionPoolApi.UpdatePoolStatusWithRetryAsync"/> through the Kubernetes client against the API
/// double: another writer between our read and our write gets us a 409; we re-read and apply the change again, a bounded number of times.
/// </summary>
public sealed class StatusUpdateRetryTests : IAsyncLifetime
{
    private OperatorTestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await OperatorTestCluster.StartAsync();

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    /// <summary>Before each of the first <paramref name="races"/> status writes, someone else writes the pool, so ours is stale.</summary>
    private sealed class CompetingWriter(OperatorTestCluster cluster, int races) : DelegatingHandler
    {
        public List<string> Requests { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add($"{request.Method} {request.RequestUri!.AbsolutePath}");
            if (request.Method == HttpMethod.Put && races-- > 0)
                await cluster.Admin.MergePatchAsync(request.RequestUri.AbsolutePath.Replace("/status", ""),
                    new JsonObject { ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["race"] = races.ToString(System.Globalization.CultureInfo.InvariantCulture) } } });
            return await base.SendAsync(request, cancellationToken);
        }
    }

    [Fact]
    public async Task A_conflict_rereads_and_applies_the_change_to_the_new_version()
    {
        await _cluster.CreatePoolAsync("photos");
        var writer = new CompetingWriter(_cluster, races: 1);
        using var client = _cluster.OperatorClient(writer);
        var mutations = 0;

        var updated = await client.UpdatePoolStatusWithRetryAsync(OperatorTestCluster.Namespace, "photos", pool =>
        {
            mutations++;
            pool.Status = new RecognitionPoolStatus { DesiredReplicas = 3 };
        });

        Assert.Equal(2, mutations);
        Assert.Equal(3, updated!.Status!.DesiredReplicas);
        Assert.Equal("0", updated.Metadata.Labels["race"]); // the write landed on the version the other writer made
        const string pool = "/apis/imagerec.io/v1alpha1/namespaces/default/recognitionpools/photos";
        Assert.Equal([$"GET {pool}", $"PUT {pool}/status", $"GET {pool}", $"PUT {pool}/status"], writer.Requests);
        Assert.Equal(3, (await _cluster.PoolAsync("photos"))!.Status!.DesiredReplicas);
    }

    [Fact]
    public async Task Retries_are_bounded_and_a_missing_pool_is_null()
    {
        await _cluster.CreatePoolAsync("photos");
        var writer = new CompetingWriter(_cluster, races: int.MaxValue);
        using var client = _cluster.OperatorClient(writer);

        var conflict = await Assert.ThrowsAsync<HttpOperationException>(() =>
            client.UpdatePoolStatusWithRetryAsync(OperatorTestCluster.Namespace, "photos", _ => { }, maxAttempts: 3));
        var gone = await client.UpdatePoolStatusWithRetryAsync(OperatorTestCluster.Namespace, "nothing", _ => { });

        Assert.Equal(HttpStatusCode.Conflict, conflict.Response.StatusCode);
        Assert.Equal(7, writer.Requests.Count); // three reads and three writes, then one read of the missing pool
        Assert.Null(gone);
    }
}
