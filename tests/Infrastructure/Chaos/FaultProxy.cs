using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ImageRec.Tests.Infrastructure.Chaos;

/// <summary>
/// A reverse proxy on a real loopback port (Kestrel in, HttpClient out) that the services reach the
/// SQS/S3 emulator through, and that misbehaves on demand: set <see cref="Mode"/> (and
/// <see cref="Latency"/>) and every request from then on — or only those <see cref="Targets"/> picks —
/// gets that treatment, until the mode is set back to <see cref="FaultMode.PassThrough"/>. Counts what
/// it forwarded and what it broke.
/// </summary>
public sealed class FaultProxy : IAsyncDisposable
{
    // Hop-by-hop headers (RFC 9110 §7.6.1) belong to one connection and are not forwarded; Host is set
    // from the incoming request so signatures computed for it still match; Expect is answered by Kestrel.
    private static readonly HashSet<string> NotForwarded = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization",
        "TE", "Trailer", "Transfer-Encoding", "Upgrade", "Host", "Expect",
    };

    private readonly WebApplication _app;
    private readonly HttpClient _upstream;
    private readonly Uri _target;
    private long _forwarded;
    private long _faulted;
    private long _drops;
    private volatile FaultMode _mode;

    private FaultProxy(WebApplication app, Uri target)
    {
        _app = app;
        _target = target;
        _upstream = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
        })
        { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>Where clients send their requests, e.g. <c>http://127.0.0.1:PORT/</c>.</summary>
    public Uri Address { get; private set; } = null!;

    public FaultMode Mode { get => _mode; set => _mode = value; }

    /// <summary>Which requests the mode applies to (e.g. <see cref="AwsErrorResponses.IsSqs"/>); the others pass through. All by default.</summary>
    public Func<HttpRequest, bool> Targets { get; set; } = _ => true;

    /// <summary>Delay added to each request in <see cref="FaultMode.Latency"/>.</summary>
    public TimeSpan Latency { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Requests passed to the emulator and answered unchanged (including delayed ones).</summary>
    public long Forwarded => Interlocked.Read(ref _forwarded);

    /// <summary>Requests answered with an error or a dropped connection.</summary>
    public long Faulted => Interlocked.Read(ref _faulted);

    /// <summary>Starts a proxy in front of <paramref name="target"/> (which need not be listening yet).</summary>
    public static async Task<FaultProxy> StartAsync(Uri target)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Listen(IPAddress.Loopback, 0);
        });
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = TimeSpan.FromSeconds(2));
        var app = builder.Build();
        var proxy = new FaultProxy(app, target);
        app.Run(proxy.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        proxy.Address = new Uri(address + "/");
        return proxy;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var mode = Targets(context.Request) ? _mode : FaultMode.PassThrough;
        try
        {
            switch (mode)
            {
                case FaultMode.Errors:
                    Interlocked.Increment(ref _faulted);
                    await AwsErrorResponses.WriteServiceUnavailableAsync(context);
                    return;
                case FaultMode.ConditionalConflict:
                    Interlocked.Increment(ref _faulted);
                    await AwsErrorResponses.WriteConditionalRequestConflictAsync(context);
                    return;
                case FaultMode.Drop when Interlocked.Increment(ref _drops) % 2 == 1:
                    Interlocked.Increment(ref _faulted);
                    context.Abort();
                    return;
                case FaultMode.Drop:
                    Interlocked.Increment(ref _faulted);
                    await ForwardThenDropAsync(context);
                    return;
                case FaultMode.Latency:
                    await Task.Delay(Latency, context.RequestAborted);
                    break;
            }
            using var response = await SendUpstreamAsync(context, HttpCompletionOption.ResponseHeadersRead);
            CopyResponseHead(response, context.Response);
            await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
            Interlocked.Increment(ref _forwarded);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nothing to answer.
        }
        catch (HttpRequestException) when (!context.Response.HasStarted)
        {
            context.Response.StatusCode = StatusCodes.Status502BadGateway;
        }
    }

    /// <summary>The emulator gets the request and acts on it; the client gets half an answer and a closed connection.</summary>
    private async Task ForwardThenDropAsync(HttpContext context)
    {
        using var response = await SendUpstreamAsync(context, HttpCompletionOption.ResponseContentRead);
        var body = await response.Content.ReadAsByteArrayAsync(context.RequestAborted);
        if (body.Length > 1)
        {
            CopyResponseHead(response, context.Response);
            await context.Response.Body.WriteAsync(body.AsMemory(0, body.Length / 2), context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            // Let the half answer leave before the connection goes; an abort discards what is still queued.
            await Task.Delay(50, context.RequestAborted);
        }
        context.Abort();
    }

    private async Task<HttpResponseMessage> SendUpstreamAsync(HttpContext context, HttpCompletionOption completion)
    {
        var request = context.Request;
        var message = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(_target, request.Path.Value + request.QueryString.Value));
        if (request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0)
            message.Content = new StreamContent(request.Body);
        foreach (var (name, values) in request.Headers)
        {
            if (NotForwarded.Contains(name)) continue;
            if (!message.Headers.TryAddWithoutValidation(name, values.ToArray()))
                message.Content?.Headers.TryAddWithoutValidation(name, values.ToArray());
        }
        message.Headers.Host = request.Host.Value;
        try
        {
            return await _upstream.SendAsync(message, completion, context.RequestAborted);
        }
        finally
        {
            // The response owns nothing of the request; the body stream is Kestrel's.
            message.Content = null;
            message.Dispose();
        }
    }

    private static void CopyResponseHead(HttpResponseMessage from, HttpResponse to)
    {
        to.StatusCode = (int)from.StatusCode;
        foreach (var (name, values) in from.Headers.Concat(from.Content.Headers))
        {
            if (NotForwarded.Contains(name)) continue;
            to.Headers[name] = values.ToArray();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _upstream.Dispose();
    }
}
