using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using ImageRec.Tests.Infrastructure.Chaos;
using ImageRec.Tests.Infrastructure.KubernetesApi;

namespace ImageRec.Tests.Chaos;

/// <summary>
/// The fault proxy in front of the Kubernetes API double, as the operator fault test uses it: it speaks TLS with
/// the double's own certificate, so a client keeps its trust and token; each Kubernetes fault looks to a client
/// the way the real one would; and what it picks and logs is what the test counts on.
/// </summary>
public sealed class KubernetesFaultProxyTests : IAsyncLifetime
{
    private KubernetesApiServer _server = null!;
    private FaultProxy _proxy = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _server = await KubernetesApiServer.StartAsync();
        _proxy = await FaultProxy.StartAsync(_server.BaseAddress, ServerCertificate.Certificate, (_, certificate, _, _) => ServerCertificate.Trusts(certificate));
        _http = new HttpClient(_server.CreateHttpHandler()) { BaseAddress = _proxy.Address, Timeout = TimeSpan.FromSeconds(10) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _server.AdminToken);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _proxy.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Pass_through_speaks_tls_with_the_doubles_certificate_and_logs_each_request()
    {
        Assert.Equal("https", _proxy.Address.Scheme);
        using var list = await _http.GetAsync("api/v1/namespaces");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Contains("\"default\"", await list.Content.ReadAsStringAsync());

        var logged = Assert.Single(_proxy.Requests);
        Assert.Equal(("GET", "/api/v1/namespaces", FaultMode.PassThrough), (logged.Method, logged.Path, logged.Mode));
        Assert.True(KubernetesRequests.IsList(logged, "/namespaces"));
        Assert.False(KubernetesRequests.IsList(logged with { Query = "?watch=true" }, "/namespaces"));
        Assert.False(KubernetesRequests.IsList(logged with { Path = "/api/v1/namespaces/default" }, "/namespaces"));
    }

    [Fact]
    public async Task Errors_are_internal_errors_on_the_fraction_picked_by_count()
    {
        _proxy.ErrorResponse = KubernetesErrorResponses.WriteInternalErrorAsync;
        _proxy.Fraction = 1.0 / 3;
        _proxy.Mode = FaultMode.Errors;

        var codes = new List<int>();
        for (var i = 0; i < 6; i++)
        {
            using var response = await _http.GetAsync("api/v1/namespaces/default");
            codes.Add((int)response.StatusCode);
            if (response.StatusCode != HttpStatusCode.InternalServerError) continue;
            var status = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            Assert.Equal(("Status", "Failure", "InternalError", 500), ((string?)status["kind"], (string?)status["status"], (string?)status["reason"], status["code"]!.GetValue<int>()));
        }
        Assert.Equal([200, 200, 500, 200, 200, 500], codes);
        Assert.Equal(2, _proxy.Faulted);
    }

    [Fact]
    public async Task Cut_ends_open_watches_and_new_ones_after_a_while_but_short_answers_complete()
    {
        _proxy.Targets = KubernetesRequests.IsWatch;
        _proxy.CutAfter = TimeSpan.FromMilliseconds(300);
        using var open = await WatchAsync();
        Assert.NotNull(await open.ReadLineAsync()); // ADDED for an existing namespace: the watch streams

        _proxy.Mode = FaultMode.Cut;
        await Assert.ThrowsAnyAsync<IOException>(() => ReadToEndAsync(open));

        using var list = await _http.GetAsync("api/v1/namespaces");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        using var later = await WatchAsync();
        await Assert.ThrowsAnyAsync<IOException>(() => ReadToEndAsync(later));
        // Both cuts count as faults; the log keeps each request's mode on arrival (the first came before the fault).
        Assert.Equal(2, _proxy.Faulted);
        Assert.Equal([FaultMode.PassThrough, FaultMode.PassThrough, FaultMode.Cut], _proxy.Requests.Select(r => r.Mode));
    }

    [Fact]
    public async Task Expired_watches_get_http_410_and_an_error_event_in_turn_while_lists_pass()
    {
        _proxy.Targets = KubernetesRequests.IsWatch;
        _proxy.ErrorResponse = KubernetesErrorResponses.ExpiredWatch();
        _proxy.Mode = FaultMode.Errors;

        using (var first = await _http.GetAsync("api/v1/namespaces?watch=true&resourceVersion=1", HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal(HttpStatusCode.Gone, first.StatusCode);
            Assert.Equal("Expired", (string?)JsonNode.Parse(await first.Content.ReadAsStringAsync())!["reason"]);
        }
        using (var second = await _http.GetAsync("api/v1/namespaces?watch=1&resourceVersion=1", HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal(HttpStatusCode.OK, second.StatusCode);
            var lines = (await second.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var error = JsonNode.Parse(Assert.Single(lines))!;
            Assert.Equal(("ERROR", 410, "Expired"), ((string?)error["type"], error["object"]!["code"]!.GetValue<int>(), (string?)error["object"]!["reason"]));
        }
        using var list = await _http.GetAsync("api/v1/namespaces");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
    }

    private async Task<StreamReader> WatchAsync()
    {
        var response = await _http.GetAsync("api/v1/namespaces?watch=true", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new StreamReader(await response.Content.ReadAsStreamAsync());
    }

    /// <summary>Reads until the stream ends (a normal end fails the test: the watch should have been cut), for at most 5 s.</summary>
    private static async Task ReadToEndAsync(StreamReader watch)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        while (await watch.ReadLineAsync(limit.Token) is not null) { }
        Assert.Fail("the watch ended normally");
    }
}
