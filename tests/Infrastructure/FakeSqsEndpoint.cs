using System.Collections.Concurrent;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.SQS;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ImageRec.Tests.Infrastructure;

/// <summary>
/// A tiny SQS endpoint on loopback speaking the JSON protocol (<c>POST /</c>, <c>X-Amz-Target: AmazonSQS.&lt;Action&gt;</c>)
/// with answers the test scripts: for the answers the emulator never gives (a batch entry refused, an attribute map
/// with a counter missing), sent to the real SDK client over real HTTP.
/// </summary>
public sealed class FakeSqsEndpoint : IAsyncDisposable
{
    private readonly LoopbackApp _app;

    private FakeSqsEndpoint(LoopbackApp app) => _app = app;

    /// <summary>Base address; give it as the client's ServiceURL.</summary>
    public Uri Address => _app.Address;

    /// <summary>Every request: its action (e.g. <c>GetQueueAttributes</c>) and JSON body.</summary>
    public ConcurrentQueue<(string Action, JsonElement Request)> Requests { get; } = new();

    /// <param name="answer">The HTTP status and JSON body for an action and its request.</param>
    public static async Task<FakeSqsEndpoint> StartAsync(Func<string, JsonElement, (int Status, string Body)> answer)
    {
        FakeSqsEndpoint? endpoint = null;
        var app = await LoopbackApp.StartAsync(_ => { }, web => web.MapPost("/", async context =>
        {
            var target = context.Request.Headers["X-Amz-Target"].ToString();
            const string Prefix = "AmazonSQS.";
            var action = target.StartsWith(Prefix, StringComparison.Ordinal) ? target[Prefix.Length..] : target;
            using var request = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            var body = request.RootElement.Clone();
            endpoint!.Requests.Enqueue((action, body));
            var (status, json) = answer(action, body);
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/x-amz-json-1.0";
            await context.Response.WriteAsync(json, context.RequestAborted);
        }));
        endpoint = new FakeSqsEndpoint(app);
        return endpoint;
    }

    /// <summary>An SDK client aimed at this endpoint, without retries (each scripted answer reaches the test as sent).</summary>
    public AmazonSQSClient Client() => new(new BasicAWSCredentials("fake", "fake"),
        new AmazonSQSConfig { ServiceURL = Address.ToString(), AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 });

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
