using System.Net;
using System.Text.Json.Nodes;
using ImageRec.Operator.Kubernetes;

namespace ImageRec.Tests.Operator.Kubernetes;

/// <summary><see cref="EventRecorder"/>: the events.k8s.io/v1 shape and de-duplication into a series.</summary>
public sealed class EventRecorderTests
{
    private static readonly ObjectReference Pool = new()
    {
        ApiVersion = "imagerec.io/v1alpha1", Kind = "RecognitionPool", Namespace = "imagerec", Name = "pool", Uid = "uid-1",
    };

    [Fact]
    public async Task Creates_an_event_then_patches_its_series_for_repeats_within_the_window()
    {
        var time = new ManualTimeProvider(new DateTimeOffset(2030, 5, 1, 12, 0, 0, TimeSpan.Zero).AddTicks(1234567));
        var handler = new ScriptedKubernetesHandler(request => ScriptedKubernetesHandler.Json(HttpStatusCode.Created,
            request.Method == HttpMethod.Post ? request.Body : """{"metadata":{"name":"x"}}"""));
        using var client = handler.CreateClient();
        var recorder = new EventRecorder(client, "imagerec-operator-7d9f", time) { SeriesWindow = TimeSpan.FromMinutes(5) };

        await recorder.NormalAsync(Pool, "ScaledUp", "Scale", "Scaled workers from 1 to 3");
        time.Advance(TimeSpan.FromSeconds(30));
        await recorder.NormalAsync(Pool, "ScaledUp", "Scale", "Scaled workers from 1 to 3");
        time.Advance(TimeSpan.FromSeconds(30));
        await recorder.NormalAsync(Pool, "ScaledUp", "Scale", "Scaled workers from 1 to 3");
        await recorder.WarningAsync(Pool, "QueueUnreachable", "Scale", "SQS is unreachable");
        time.Advance(TimeSpan.FromMinutes(6));
        await recorder.NormalAsync(Pool, "ScaledUp", "Scale", "Scaled workers from 1 to 3");

        Assert.Equal(["POST", "PATCH", "PATCH", "POST", "POST"], handler.Requests.Select(r => r.Method.Method));
        var created = JsonNode.Parse(handler.Requests[0].Body)!;
        Assert.Equal("/apis/events.k8s.io/v1/namespaces/imagerec/events", handler.Requests[0].PathAndQuery);
        Assert.Equal("events.k8s.io/v1", (string?)created["apiVersion"]);
        Assert.Equal("2030-05-01T12:00:00.123456Z", (string?)created["eventTime"]);
        Assert.Equal("imagerec.io/operator", (string?)created["reportingController"]);
        Assert.Equal("imagerec-operator-7d9f", (string?)created["reportingInstance"]);
        Assert.Equal("Normal", (string?)created["type"]);
        Assert.Equal("ScaledUp", (string?)created["reason"]);
        Assert.Equal("Scale", (string?)created["action"]);
        Assert.Equal("RecognitionPool", (string?)created["regarding"]!["kind"]);
        Assert.Equal("uid-1", (string?)created["regarding"]!["uid"]);
        var name = (string?)created["metadata"]!["name"];
        Assert.StartsWith("pool.", name);
        Assert.Equal($"/apis/events.k8s.io/v1/namespaces/imagerec/events/{name}", handler.Requests[1].PathAndQuery);
        Assert.Equal("application/merge-patch+json", handler.Requests[1].ContentType);
        Assert.Equal("""{"series":{"count":2,"lastObservedTime":"2030-05-01T12:00:30.123456Z"}}""", handler.Requests[1].Body);
        Assert.Equal("""{"series":{"count":3,"lastObservedTime":"2030-05-01T12:01:00.123456Z"}}""", handler.Requests[2].Body);
        Assert.Equal("Warning", (string?)JsonNode.Parse(handler.Requests[3].Body)!["type"]);
    }

    [Fact]
    public async Task Recording_failures_are_logged_not_thrown()
    {
        var handler = new ScriptedKubernetesHandler(_ => ScriptedKubernetesHandler.Status(HttpStatusCode.Forbidden, "Forbidden"));
        using var client = handler.CreateClient();
        var recorder = new EventRecorder(client, "op-0");

        await recorder.WarningAsync(Pool, "Failed", "Reconcile", "boom");

        Assert.Single(handler.Requests);
    }
}
