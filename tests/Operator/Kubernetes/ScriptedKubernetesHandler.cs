using System.Net;
using System.Text;

namespace ImageRec.Tests.Operator.Kubernetes;

/// <summary>A request as the fake API server saw it.</summary>
internal sealed record RecordedRequest(HttpMethod Method, Uri Uri, string? ContentType, string? Authorization, string Body)
{
    public string PathAndQuery => Uri.PathAndQuery;
}

/// <summary>
/// A scripted stand-in for the API server: records each request and answers with the given function.
/// Small on purpose; the shared in-process API double lives elsewhere.
/// </summary>
internal sealed class ScriptedKubernetesHandler(Func<RecordedRequest, CancellationToken, Task<HttpResponseMessage>> respond) : HttpMessageHandler
{
    public const string Server = "https://k8s.test:6443";

    public ScriptedKubernetesHandler(Func<RecordedRequest, HttpResponseMessage> respond)
        : this((request, _) => Task.FromResult(respond(request)))
    {
    }

    private readonly Lock _lock = new();
    private readonly List<RecordedRequest> _requests = [];

    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_lock)
            {
                return _requests.ToList();
            }
        }
    }

    public ImageRec.Operator.Kubernetes.KubernetesClient CreateClient() =>
        new(new HttpClient(this), new Uri(Server), "default");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        var recorded = new RecordedRequest(request.Method, request.RequestUri!, request.Content?.Headers.ContentType?.MediaType,
            request.Headers.Authorization?.ToString(), body);
        lock (_lock)
        {
            _requests.Add(recorded);
        }

        return await respond(recorded, cancellationToken);
    }

    public static HttpResponseMessage Json(HttpStatusCode status, string json) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    public static HttpResponseMessage Status(HttpStatusCode code, string reason, string message = "boom") =>
        Json(code, $$"""{"kind":"Status","apiVersion":"v1","status":"Failure","message":"{{message}}","reason":"{{reason}}","code":{{(int)code}}}""");

    /// <summary>A watch response: one JSON event per line.</summary>
    public static HttpResponseMessage WatchStream(params string[] events) =>
        new(HttpStatusCode.OK) { Content = new StringContent(string.Join("\n", events) + "\n", Encoding.UTF8, "application/json") };

    /// <summary>A watch that stays open, sending nothing, until the client gives up.</summary>
    public static async Task<HttpResponseMessage> HangingWatch(CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken);
        throw new OperationCanceledException(cancellationToken);
    }
}
