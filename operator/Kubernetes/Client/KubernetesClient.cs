using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImageRec.Operator.Kubernetes;

/// <summary>
/// <see cref="IKubernetesClient"/> over HTTP and JSON, https://kubernetes.io/docs/reference/using-api/api-concepts/.
/// Objects are (de)serialized with the resource's source-generated JsonTypeInfo.
/// </summary>
public sealed class KubernetesClient : IKubernetesClient, IDisposable
{
    private const string ApplyPatchContentType = "application/apply-patch+yaml";
    private const string MergePatchContentType = "application/merge-patch+json";
    private const string JsonPatchContentType = "application/json-patch+json";

    private readonly HttpClient _http;
    private readonly string _baseUrl;
    private readonly ILogger _logger;
    private readonly bool _ownsHttpClient;

    /// <summary>A client for <paramref name="configuration"/>'s server, credentials and TLS settings.</summary>
    public KubernetesClient(KubernetesClientConfiguration configuration, ILogger<KubernetesClient>? logger = null)
        : this(new HttpClient(configuration.CreateHttpHandler()), configuration.Server, configuration.Namespace, logger)
    {
        _ownsHttpClient = true;
    }

    /// <summary>A client over an HttpClient the caller set up (its handler authenticates); for tests and custom chains.</summary>
    public KubernetesClient(HttpClient httpClient, Uri server, string defaultNamespace = "default", ILogger<KubernetesClient>? logger = null)
    {
        _http = httpClient;
        // Watches stream for minutes: time limits are per request below, not the HttpClient's.
        _http.Timeout = Timeout.InfiniteTimeSpan;
        // Keep any path prefix of the server URL (API server behind a proxy, e.g. /k8s/clusters/c-1).
        _baseUrl = server.GetLeftPart(UriPartial.Path).TrimEnd('/');
        DefaultNamespace = defaultNamespace;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    public string DefaultNamespace { get; }

    /// <summary>The limit for one non-watch request.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The watch timeoutSeconds when the caller gives none: the server ends the watch then and the caller resumes.</summary>
    public int DefaultWatchTimeoutSeconds { get; init; } = 300;

    public async Task<T?> GetAsync<T>(KubernetesResource<T> resource, string? @namespace, string name, CancellationToken cancellationToken = default)
        where T : class
    {
        try
        {
            return await SendForObjectAsync(HttpMethod.Get, Url(resource, @namespace, name), content: null, resource.TypeInfo, cancellationToken).ConfigureAwait(false);
        }
        catch (KubernetesApiException e) when (e.IsNotFound)
        {
            return null;
        }
    }

    public async Task<KubernetesList<T>> ListAsync<T>(KubernetesResource<T> resource, string? @namespace, string? labelSelector = null, CancellationToken cancellationToken = default)
    {
        var url = Url(resource, @namespace, name: null, query: [("labelSelector", labelSelector)]);
        using var timeout = LimitRequestTime(cancellationToken);
        using var response = await SendAsync(HttpMethod.Get, url, null, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
        var body = await response.Content.ReadAsByteArrayAsync(timeout.Token).ConfigureAwait(false);
        using var document = JsonDocument.Parse(body);
        var metadata = document.RootElement.TryGetProperty("metadata", out var meta)
            ? meta.Deserialize(KubernetesJsonContext.Default.ListMeta) ?? new ListMeta()
            : new ListMeta();
        var items = new List<T>();
        if (document.RootElement.TryGetProperty("items", out var itemArray) && itemArray.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in itemArray.EnumerateArray())
            {
                items.Add(item.Deserialize(resource.TypeInfo) ?? throw new JsonException($"A null item in the {resource} list."));
            }
        }

        return new KubernetesList<T>(metadata, items);
    }

    public async IAsyncEnumerable<WatchEvent<T>> WatchAsync<T>(
        KubernetesResource<T> resource,
        string? @namespace,
        string? resourceVersion,
        string? labelSelector = null,
        bool allowBookmarks = true,
        int? timeoutSeconds = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var url = Url(resource, @namespace, name: null, query:
        [
            ("watch", "true"),
            ("resourceVersion", resourceVersion),
            ("allowWatchBookmarks", allowBookmarks ? "true" : null),
            ("labelSelector", labelSelector),
            ("timeoutSeconds", (timeoutSeconds ?? DefaultWatchTimeoutSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ]);
        using var response = await SendAsync(HttpMethod.Get, url, null, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        // One JSON object per line of the chunked response.
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            yield return WatchEventParser.Parse(line, resource);
        }
    }

    public Task<T> CreateAsync<T>(KubernetesResource<T> resource, string? @namespace, T obj, CancellationToken cancellationToken = default) =>
        SendForObjectAsync(HttpMethod.Post, Url(resource, @namespace, name: null), Json(obj, resource.TypeInfo, "application/json"), resource.TypeInfo, cancellationToken)
            .ContinueWithNotNull(resource);

    public Task<T> ReplaceAsync<T>(KubernetesResource<T> resource, string? @namespace, string name, T obj, CancellationToken cancellationToken = default) =>
        SendForObjectAsync(HttpMethod.Put, Url(resource, @namespace, name), Json(obj, resource.TypeInfo, "application/json"), resource.TypeInfo, cancellationToken)
            .ContinueWithNotNull(resource);

    public Task<T> ReplaceStatusAsync<T>(KubernetesResource<T> resource, string? @namespace, string name, T obj, CancellationToken cancellationToken = default) =>
        SendForObjectAsync(HttpMethod.Put, Url(resource, @namespace, name, "status"), Json(obj, resource.TypeInfo, "application/json"), resource.TypeInfo, cancellationToken)
            .ContinueWithNotNull(resource);

    public Task<T> ApplyAsync<T>(KubernetesResource<T> resource, string? @namespace, string name, T obj, string fieldManager, bool force = true, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(fieldManager);
        var url = Url(resource, @namespace, name, query: [("fieldManager", fieldManager), ("force", force ? "true" : null)]);
        // JSON is YAML: the apply content type takes a JSON body as it is.
        return SendForObjectAsync(HttpMethod.Patch, url, Json(obj, resource.TypeInfo, ApplyPatchContentType), resource.TypeInfo, cancellationToken)
            .ContinueWithNotNull(resource);
    }

    public Task<T> PatchAsync<T>(KubernetesResource<T> resource, string? @namespace, string name, string patch, KubernetesPatchType patchType = KubernetesPatchType.MergePatch, CancellationToken cancellationToken = default)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(patch));
        content.Headers.ContentType = new MediaTypeHeaderValue(patchType == KubernetesPatchType.JsonPatch ? JsonPatchContentType : MergePatchContentType);
        return SendForObjectAsync(HttpMethod.Patch, Url(resource, @namespace, name), content, resource.TypeInfo, cancellationToken)
            .ContinueWithNotNull(resource);
    }

    public async Task<bool> DeleteAsync(KubernetesResource resource, string? @namespace, string name, DeletePropagation? propagation = null, CancellationToken cancellationToken = default)
    {
        var url = Url(resource, @namespace, name, query: [("propagationPolicy", propagation?.ToString())]);
        using var timeout = LimitRequestTime(cancellationToken);
        try
        {
            using var response = await SendAsync(HttpMethod.Delete, url, null, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (KubernetesApiException e) when (e.IsNotFound)
        {
            return false;
        }
    }

    public void Dispose()
    {
        if (_ownsHttpClient)
        {
            _http.Dispose();
        }
    }

    private async Task<T?> SendForObjectAsync<T>(HttpMethod method, Uri url, HttpContent? content, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        using var timeout = LimitRequestTime(cancellationToken);
        using var response = await SendAsync(method, url, content, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
        var body = await response.Content.ReadAsByteArrayAsync(timeout.Token).ConfigureAwait(false);
        return body.Length == 0 ? default : JsonSerializer.Deserialize(body, typeInfo);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, Uri url, HttpContent? content, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, url) { Content = content };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        var response = await _http.SendAsync(request, completion, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var status = TryParseStatus(body);
            _logger.LogDebug("Kubernetes {Method} {Path} answered {StatusCode} {Reason}: {Message}",
                method, url.AbsolutePath, (int)response.StatusCode, status?.Reason, status?.Message);
            throw KubernetesApiException.Create(response.StatusCode, status, status is null && body.Length > 0 ? Truncate(body) : null);
        }
    }

    private CancellationTokenSource LimitRequestTime(CancellationToken cancellationToken)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        source.CancelAfter(RequestTimeout);
        return source;
    }

    private Uri Url(KubernetesResource resource, string? @namespace, string? name, string? subresource = null, (string Key, string? Value)[]? query = null)
    {
        var url = new StringBuilder(_baseUrl).Append(resource.GetPath(@namespace, name, subresource));
        var separator = '?';
        foreach (var (key, value) in query ?? [])
        {
            if (value is null)
            {
                continue;
            }

            url.Append(separator).Append(key).Append('=').Append(Uri.EscapeDataString(value));
            separator = '&';
        }

        return new Uri(url.ToString());
    }

    private static ByteArrayContent Json<T>(T obj, JsonTypeInfo<T> typeInfo, string contentType)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(obj, typeInfo));
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return content;
    }

    internal static KubernetesStatus? TryParseStatus(string body)
    {
        try
        {
            var status = JsonSerializer.Deserialize(body, KubernetesJsonContext.Default.KubernetesStatus);
            return status?.Kind == "Status" || status?.Reason is not null || status?.Code is not null ? status : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Truncate(string body) => body.Length <= 512 ? body : body[..512] + "…";
}

file static class TaskExtensions
{
    /// <summary>Writes answer with the object; an empty body would be a server bug.</summary>
    public static async Task<T> ContinueWithNotNull<T>(this Task<T?> task, KubernetesResource resource) =>
        await task.ConfigureAwait(false) ?? throw new KubernetesApiException(HttpStatusCode.OK, null, $"The server answered a {resource} write with no object.");
}
