using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using ImageRec.Common.Observability;
using ImageRec.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace ImageRec.Tests.Observability;

/// <summary>Spans go to an OTLP/HTTP collector (a real HTTP server standing in for one) with the right parent.</summary>
public sealed class TraceExportTests
{
    [Fact]
    public async Task Spans_are_exported_over_otlp_http_and_continue_the_jobs_trace()
    {
        var received = new ConcurrentQueue<(string ContentType, byte[] Body)>();
        var port = FreePorts.One();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        await using var collector = builder.Build();
        collector.MapPost("/v1/traces", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            received.Enqueue((request.ContentType ?? "", body.ToArray()));
            return Results.Ok();
        });
        await collector.StartAsync();

        // A service host registered as the services register theirs, pointed at the collector.
        await using (var service = await LoopbackApp.StartAsync(
            b => b.Services.AddImageRecTracing(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                [$"{TelemetryOptions.Section}:{nameof(TelemetryOptions.OtlpEndpoint)}"] = $"http://127.0.0.1:{port}",
            }).Build(), "imagerec-test"),
            _ => { }))
        {
            const string traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
            ActivityContext.TryParse(traceparent, null, out var parent);
            using (var span = Tracing.Source.StartActivity("imagerec.job.process", ActivityKind.Consumer, parent))
            {
                Assert.NotNull(span);
                Assert.Equal("4bf92f3577b34da6a3ce929d0e0e4736", span.TraceId.ToHexString());
            }
            Assert.True(service.App.Services.GetRequiredService<TracerProvider>().ForceFlush(10_000));
        }

        // Other tests running at the same time also make spans of these sources: look for ours.
        Assert.NotEmpty(received);
        Assert.All(received, r => Assert.Equal("application/x-protobuf", r.ContentType));
        var traceId = Convert.FromHexString("4bf92f3577b34da6a3ce929d0e0e4736");
        var ours = received.Where(r => Contains(r.Body, traceId)).ToArray();
        Assert.NotEmpty(ours);
        // Protobuf keeps strings as UTF-8 bytes: the span name and service name are in the payload.
        Assert.Contains(ours, r => Encoding.UTF8.GetString(r.Body) is var text && text.Contains("imagerec.job.process") && text.Contains("imagerec-test"));
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}
