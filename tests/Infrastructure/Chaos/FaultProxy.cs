using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
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
/// A reverse proxy on a real loopback port (Kestrel in, HttpClient out) that clients reach a real
/// upstream through — the services the SQS/S3 emulator, the operator the Kubernetes API double (over
/// TLS with the double's own certificate, see <see cref="StartAsync"/>) — and that misbehaves on demand:
/// set <see cref="Mode"/> (and <see cref="Latency"/>, <see cref="CutAfter"/>, <see cref="ErrorResponse"/>)
/// and every request from then on — or only those <see cref="Targets"/> picks, and of those the
/// <see cref="Fraction"/> it picks deterministically — gets that treatment, until the mode is set back to
/// <see cref="FaultMode.PassThrough"/>. Counts what it forwarded and what it broke, and keeps a log of
/// every request (<see cref="Requests"/>) for assertions such as "the client relisted".
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
    // Answers being streamed to clients, each with the token that cuts it (FaultMode.Cut).
    private readonly ConcurrentDictionary<HttpContext, CancellationTokenSource> _streaming = new();
    private readonly ConcurrentQueue<ProxiedRequest> _requests = new();
    private long _forwarded;
    private long _faulted;
    private long _drops;
    private long _candidates;
    private volatile FaultMode _mode;
    private double _fraction = 1;

    private FaultProxy(WebApplication app, Uri target, RemoteCertificateValidationCallback? trustUpstream)
    {
        _app = app;
        _target = target;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
        };
        if (trustUpstream is not null) handler.SslOptions.RemoteCertificateValidationCallback = trustUpstream;
        _upstream = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>Where clients send their requests, e.g. <c>http://127.0.0.1:PORT/</c>.</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>What happens to the requests picked from now on; setting <see cref="FaultMode.Cut"/> also cuts the targeted answers streaming now.</summary>
    public FaultMode Mode
    {
        get => _mode;
        set
        {
            _mode = value;
            if (value == FaultMode.Cut) CutStreamingAnswers();
        }
    }

    /// <summary>
    /// Cuts the connections of the targeted answers streaming now (e.g. watches opened before a fault began,
    /// so their clients must open new ones and meet the fault), whatever the mode.
    /// </summary>
    public void CutStreamingAnswers()
    {
        foreach (var (context, cut) in _streaming)
        {
            if (!Targets(context.Request)) continue;
            try { cut.Cancel(); }
            catch (ObjectDisposedException) { } // it finished meanwhile
        }
    }

    /// <summary>Which requests the mode applies to (e.g. <see cref="AwsErrorResponses.IsSqs"/>); the others pass through. All by default.</summary>
    public Func<HttpRequest, bool> Targets { get; set; } = _ => true;

    /// <summary>
    /// Share of the targeted requests the mode applies to, 0 to 1 (1 by default); picked by count, not at
    /// random (with ⅓ the 3rd, 6th, 9th … targeted request since the proxy started), so a run is repeatable.
    /// </summary>
    public double Fraction
    {
        get => Volatile.Read(ref _fraction);
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 1);
            Volatile.Write(ref _fraction, value);
        }
    }

    /// <summary>Delay added to each request in <see cref="FaultMode.Latency"/>.</summary>
    public TimeSpan Latency { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long an answer may stream in <see cref="FaultMode.Cut"/> before its connection is cut.</summary>
    public TimeSpan CutAfter { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// The answer in <see cref="FaultMode.Errors"/>: by default SQS's or S3's 503
    /// (<see cref="AwsErrorResponses.WriteServiceUnavailableAsync"/>); e.g. <see cref="KubernetesErrorResponses.WriteInternalErrorAsync"/> in front of the Kubernetes API.
    /// </summary>
    public Func<HttpContext, Task> ErrorResponse { get; set; } = AwsErrorResponses.WriteServiceUnavailableAsync;

    /// <summary>Every request received so far, in arrival order, with what was done to it.</summary>
    public IReadOnlyList<ProxiedRequest> Requests => [.. _requests];

    /// <summary>Requests passed to the emulator and answered unchanged (including delayed ones).</summary>
    public long Forwarded => Interlocked.Read(ref _forwarded);

    /// <summary>Requests answered with an error or a dropped connection.</summary>
    public long Faulted => Interlocked.Read(ref _faulted);

    /// <summary>
    /// Starts a proxy in front of <paramref name="target"/> (which need not be listening yet): plain HTTP, or
    /// HTTPS with <paramref name="certificate"/> — an HTTPS upstream's own certificate, so clients keep the trust
    /// (and the credentials) they have for it and only the port changes. <paramref name="trustUpstream"/>
    /// checks an HTTPS upstream's certificate (the system's roots when null).
    /// </summary>
    public static async Task<FaultProxy> StartAsync(Uri target, X509Certificate2? certificate = null, RemoteCertificateValidationCallback? trustUpstream = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Listen(IPAddress.Loopback, 0, listen =>
            {
                if (certificate is not null) listen.UseHttps(certificate);
            });
        });
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = TimeSpan.FromSeconds(2));
        var app = builder.Build();
        var proxy = new FaultProxy(app, target, trustUpstream);
        app.Run(proxy.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        proxy.Address = new Uri(address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal) + "/");
        return proxy;
    }

    /// <summary>
    /// A proxy in front of <paramref name="target"/> that answers only the first request <paramref name="matches"/>
    /// with <paramref name="answer"/> (e.g. <see cref="AwsErrorResponses.WriteAccessDeniedAsync"/>) and passes
    /// everything else: a call refused once, then the loop that made it is watched going on.
    /// </summary>
    public static async Task<FaultProxy> FailingFirstAsync(Uri target, Func<HttpRequest, bool> matches, Func<HttpContext, Task> answer)
    {
        var proxy = await StartAsync(target);
        var matched = 0;
        proxy.Targets = request => matches(request) && Interlocked.Increment(ref matched) == 1;
        proxy.ErrorResponse = answer;
        proxy.Mode = FaultMode.Errors;
        return proxy;
    }

    /// <summary>Whether a request came in after the first one the fault mode was applied to.</summary>
    public bool RequestedAfterFirstFault => Requests.SkipWhile(r => r.Mode == FaultMode.PassThrough).Skip(1).Any();

    private async Task HandleAsync(HttpContext context)
    {
        var mode = Targets(context.Request) ? _mode : FaultMode.PassThrough;
        if (mode != FaultMode.PassThrough && !Picked()) mode = FaultMode.PassThrough;
        _requests.Enqueue(new ProxiedRequest(DateTimeOffset.UtcNow, context.Request.Method, context.Request.Path.Value ?? "", context.Request.QueryString.Value ?? "", mode,
            context.Request.Headers.TryGetValue("X-Amz-Target", out var target) ? target.ToString() : null));
        using var cut = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        try
        {
            switch (mode)
            {
                case FaultMode.Errors:
                    Interlocked.Increment(ref _faulted);
                    await ErrorResponse(context);
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
                case FaultMode.Cut:
                    cut.CancelAfter(CutAfter);
                    break;
            }
            // Registered before the upstream answers, so a Cut set meanwhile still reaches this request.
            _streaming[context] = cut;
            try
            {
                using var response = await SendUpstreamAsync(context, HttpCompletionOption.ResponseHeadersRead);
                CopyResponseHead(response, context.Response);
                await response.Content.CopyToAsync(context.Response.Body, cut.Token);
            }
            finally
            {
                _streaming.TryRemove(context, out _);
            }
            Interlocked.Increment(ref _forwarded);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nothing to answer.
        }
        catch (OperationCanceledException) when (cut.IsCancellationRequested)
        {
            // FaultMode.Cut: the connection goes mid-answer, as when a load balancer or the server drops it.
            Interlocked.Increment(ref _faulted);
            context.Abort();
        }
        catch (HttpRequestException) when (!context.Response.HasStarted)
        {
            context.Response.StatusCode = StatusCodes.Status502BadGateway;
        }
    }

    /// <summary>Whether this targeted request is one of the <see cref="Fraction"/> the mode applies to.</summary>
    private bool Picked()
    {
        var fraction = Fraction;
        var n = Interlocked.Increment(ref _candidates);
        // The epsilon keeps n·⅓ = 0.999… from losing a pick to rounding.
        return Math.Floor(n * fraction + 1e-9) > Math.Floor((n - 1) * fraction + 1e-9);
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
