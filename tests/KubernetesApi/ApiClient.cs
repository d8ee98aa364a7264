using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using ImageRec.Tests.Infrastructure.KubernetesApi;

namespace ImageRec.Tests.KubernetesApi;

/// <summary>A bare HTTP client for the API double, with a bearer token; answers are (status code, JSON body).</summary>
public sealed class ApiClient(KubernetesApiServer server, string? token = null) : IDisposable
{
    private readonly HttpClient _http = new(server.CreateHttpHandler()) { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(15) };
    private readonly string _token = token ?? server.AdminToken;

    public async Task<(int Status, JsonObject Body)> SendAsync(HttpMethod method, string path, JsonNode? body = null, string contentType = "application/json", string? rawBody = null)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        if (rawBody is not null || body is not null)
        {
            request.Content = new StringContent(rawBody ?? body!.ToJsonString(), Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!.AsObject());
    }

    public Task<(int Status, JsonObject Body)> GetAsync(string path) => SendAsync(HttpMethod.Get, path);

    public Task<(int Status, JsonObject Body)> PostAsync(string path, JsonNode body) => SendAsync(HttpMethod.Post, path, body);

    public Task<(int Status, JsonObject Body)> PutAsync(string path, JsonNode body) => SendAsync(HttpMethod.Put, path, body);

    public Task<(int Status, JsonObject Body)> MergePatchAsync(string path, JsonNode patch) => SendAsync(HttpMethod.Patch, path, patch, "application/merge-patch+json");

    public Task<(int Status, JsonObject Body)> ApplyAsync(string path, string yaml, string manager, bool force = false) =>
        SendAsync(HttpMethod.Patch, $"{path}?fieldManager={manager}{(force ? "&force=true" : "")}", rawBody: yaml, contentType: "application/apply-patch+yaml");

    public Task<(int Status, JsonObject Body)> DeleteAsync(string path) => SendAsync(HttpMethod.Delete, path);

    /// <summary>Creates the object in a YAML manifest and fails the test when the server refuses.</summary>
    public async Task<JsonObject> CreateAsync(string collectionPath, string yaml)
    {
        var (status, body) = await PostAsync(collectionPath, YamlToJson.Single(yaml)!);
        Assert.True(status == 201, $"create {collectionPath} gave {status}: {body.ToJsonString()}");
        return body;
    }

    /// <summary>Opens a watch and returns its lines as they arrive.</summary>
    public async Task<WatchReader> WatchAsync(string pathAndQuery)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery.TrimStart('/'));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(200, (int)response.StatusCode);
        return new WatchReader(response, new StreamReader(await response.Content.ReadAsStreamAsync()));
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>The lines of an open watch, each {"type":…,"object":…}; reads give up after a bound so tests cannot hang.</summary>
public sealed class WatchReader(HttpResponseMessage response, StreamReader reader) : IDisposable
{
    public async Task<JsonObject?> NextAsync(TimeSpan? within = null)
    {
        using var timeout = new CancellationTokenSource(within ?? TimeSpan.FromSeconds(5));
        try
        {
            var line = await reader.ReadLineAsync(timeout.Token);
            return line is null ? null : JsonNode.Parse(line)!.AsObject();
        }
        catch (OperationCanceledException) { throw new TimeoutException("no watch event arrived in time"); }
    }

    /// <summary>The next event that is not a BOOKMARK.</summary>
    public async Task<JsonObject?> NextChangeAsync()
    {
        while (true)
        {
            var next = await NextAsync();
            if (next?["type"]?.GetValue<string>() != "BOOKMARK") return next;
        }
    }

    public void Dispose()
    {
        reader.Dispose();
        response.Dispose();
    }
}
