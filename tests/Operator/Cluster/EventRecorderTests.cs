using ImageRec.Operator.Cluster;
using ImageRec.Tests.Operator.Controllers;
using ImageRec.Tests.Infrastructure;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImageRec.Tests.Operator.Cluster;

/// <summary><see cref="EventRecorder"/> through the Kubernetes client against the API double: events.k8s.io/v1 Events, repeats as a series.</summary>
public sealed class EventRecorderTests : IAsyncLifetime
{
    private static readonly V1ObjectReference Pool = new()
    {
        ApiVersion = "imagerec.io/v1alpha1", Kind = "RecognitionPool", NamespaceProperty = OperatorTestCluster.Namespace, Name = "pool", Uid = "uid-1",
    };

    private OperatorTestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await OperatorTestCluster.StartAsync();

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Creates_an_event_then_counts_repeats_within_the_window_in_its_series()
    {
        var time = new ManualTimeProvider(new DateTimeOffset(2030, 5, 1, 12, 0, 0, TimeSpan.Zero).AddTicks(1234560));
        using var client = _cluster.OperatorClient();
        var recorder = new EventRecorder(client, "imagerec-operator-7d9f", time, NullLogger<EventRecorder>.Instance) { SeriesWindow = TimeSpan.FromMinutes(5) };

        await recorder.RecordAsync(Pool, EventRecorder.Normal, "ScaledOut", "Scale", "Scaled from 1 to 3 workers.");
        time.Advance(TimeSpan.FromSeconds(30));
        await recorder.RecordAsync(Pool, EventRecorder.Normal, "ScaledOut", "Scale", "Scaled from 1 to 3 workers.");
        time.Advance(TimeSpan.FromSeconds(30));
        await recorder.RecordAsync(Pool, EventRecorder.Normal, "ScaledOut", "Scale", "Scaled from 1 to 3 workers.");
        await recorder.RecordAsync(Pool, EventRecorder.Warning, "QueueUnreachable", "Scale", "SQS is unreachable.");
        time.Advance(TimeSpan.FromMinutes(6));
        await recorder.RecordAsync(Pool, EventRecorder.Normal, "ScaledOut", "Scale", "Scaled from 1 to 3 workers.");

        // As stored: the wire shape of events.k8s.io/v1.
        var (_, list) = await _cluster.Admin.GetAsync($"/apis/events.k8s.io/v1/namespaces/{OperatorTestCluster.Namespace}/events");
        var events = list["items"]!.AsArray().Select(e => e!.AsObject()).OrderBy(e => (string?)e["eventTime"]).ToList();
        Assert.Equal(3, events.Count);
        var first = events[0];
        Assert.Equal("events.k8s.io/v1", (string?)first["apiVersion"]);
        Assert.Equal("2030-05-01T12:00:00.123456Z", (string?)first["eventTime"]);
        Assert.Equal(("imagerec.io/operator", "imagerec-operator-7d9f"), ((string?)first["reportingController"], (string?)first["reportingInstance"]));
        Assert.Equal(("Normal", "ScaledOut", "Scale"), ((string?)first["type"], (string?)first["reason"], (string?)first["action"]));
        Assert.Equal(("RecognitionPool", "uid-1"), ((string?)first["regarding"]!["kind"], (string?)first["regarding"]!["uid"]));
        Assert.StartsWith("pool.", (string?)first["metadata"]!["name"]);
        Assert.Equal(3, (int?)first["series"]!["count"]);
        Assert.Equal("2030-05-01T12:01:00.123456Z", (string?)first["series"]!["lastObservedTime"]);
        Assert.Equal(("Warning", null), ((string?)events[1]["type"], events[1]["series"]));
        Assert.Equal(("Normal", null), ((string?)events[2]["type"], events[2]["series"])); // after the window: a new event
    }

    [Fact]
    public async Task Recording_failures_are_logged_not_thrown()
    {
        using var refused = OperatorTestCluster.Client(_cluster.Server, "not-a-token");
        var recorder = new EventRecorder(refused, "op-0", TimeProvider.System, NullLogger<EventRecorder>.Instance);

        await recorder.RecordAsync(Pool, EventRecorder.Warning, "Failed", "Reconcile", "boom");

        Assert.Empty((await _cluster.EventsAsync()));
    }
}
