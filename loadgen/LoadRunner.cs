using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace ImageRec.LoadGen;

/// <summary>One image to send: its file name (kept, because the harness answer and the expected-label
/// check go by it) and its bytes, read once.</summary>
public sealed record ImageFile(string Name, byte[] Bytes)
{
    public string ContentType => Path.GetExtension(Name).ToLowerInvariant() switch
    {
        ".png" => "image/png",
        ".webp" => "image/webp",
        _ => "image/jpeg",
    };

    public static IReadOnlyList<ImageFile> LoadFolder(string folder)
    {
        var files = Directory.EnumerateFiles(folder)
            .Where(f => Path.GetExtension(f).ToLowerInvariant() is ".jpg" or ".jpeg" or ".png" or ".webp")
            .Order(StringComparer.Ordinal)
            .Select(f => new ImageFile(Path.GetFileName(f), File.ReadAllBytes(f)))
            .ToList();
        return files.Count > 0 ? files : throw new ArgumentException($"no .jpg/.jpeg/.png/.webp files in {folder}");
    }
}

/// <summary>What one request did: which file, its latency from send to the last byte of the body, and the verdict.</summary>
public readonly record struct RequestRecord(int Sequence, string File, double LatencyMs, Outcome Outcome);

public sealed record RunResult(IReadOnlyList<RequestRecord> Records, int Requested, double Seconds, bool Cancelled);

/// <summary>
/// Sends <c>count</c> requests, <c>concurrency</c> at a time, through one <see cref="HttpClient"/>
/// whose handler allows as many connections as there are requests in flight. Request <c>i</c> sends image
/// <c>i mod images</c>. A request cut off by cancellation (Ctrl-C, <c>--max-seconds</c>) is not counted.
/// </summary>
/// <para>The direct modes PUT each image to its presigned URL through a second client (<paramref name="storage"/>, else one
/// of <see cref="CreateStorageClient"/>): S3 must not see the web tier's bearer token beside the URL's signature.</para>
public sealed class LoadRunner(HttpClient client, LoadGenOptions options, IReadOnlyList<ImageFile> images,
    IReadOnlyDictionary<string, ExpectedLabel>? expected, HttpClient? storage = null)
{
    /// <summary>How many <c>?wait=</c> reads a direct upload makes at most before it counts as not ready.</summary>
    private const int MaxResultReads = 3;

    private int _done, _errors, _retries;
    private readonly Lazy<HttpClient> _storage = new(() => storage ?? CreateStorageClient(options));

    /// <summary>Uploads sent again after a 5xx or a connection error (<c>--retries</c>).</summary>
    public int Retries => Volatile.Read(ref _retries);

    public (int Done, int Errors) Snapshot => (Volatile.Read(ref _done), Volatile.Read(ref _errors));

    public static HttpClient CreateClient(LoadGenOptions options)
    {
        var client = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = Math.Max(options.Concurrency, 2),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            AutomaticDecompression = DecompressionMethods.None,
        })
        {
            BaseAddress = options.Url.AbsoluteUri.EndsWith('/') ? options.Url : new Uri(options.Url.AbsoluteUri + "/"),
            // The server answers within its wait (v1: --wait; harness: 30 s by default) or says 202/504.
            Timeout = TimeSpan.FromSeconds(options.WaitSeconds + 30),
        };
        if (options.Token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.Token);
        return client;
    }

    /// <summary>A client for the presigned PUTs: no base address, no default headers.</summary>
    public static HttpClient CreateStorageClient(LoadGenOptions options) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = Math.Max(options.Concurrency, 2),
        ConnectTimeout = TimeSpan.FromSeconds(10),
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
    })
    {
        Timeout = TimeSpan.FromSeconds(60),
    };

    public async Task<RunResult> RunAsync(CancellationToken cancellationToken)
    {
        var records = new RequestRecord?[options.Count];
        var started = Stopwatch.GetTimestamp();
        var cancelled = false;
        try
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, options.Count),
                new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency, CancellationToken = cancellationToken },
                async (i, token) =>
                {
                    var image = images[i % images.Count];
                    var record = options.Mode.IsDirect() ? await SendDirectAsync(i, image, token) : await SendAsync(i, image, token);
                    if (record is null) return;
                    records[i] = record;
                    if (record.Value.Outcome.Verdict != Verdict.Ok) Interlocked.Increment(ref _errors);
                    Interlocked.Increment(ref _done);
                });
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            cancelled = true;
        }
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        return new RunResult(records.Where(r => r is not null).Select(r => r!.Value).ToList(), options.Count, seconds, cancelled);
    }

    /// <summary>
    /// Sends one upload, resending it (up to <c>--retries</c> times) after a 5xx answer or a connection error with
    /// the same Idempotency-Key: the server answers a resend for the first attempt instead of storing the image again.
    /// The latency runs from the first send to the last answer.
    /// </summary>
    private async Task<RequestRecord?> SendAsync(int sequence, ImageFile image, CancellationToken token)
    {
        var (path, field) = options.Mode switch
        {
            LoadMode.V1 => ($"v1/images?wait={options.WaitSeconds}", "image"),
            LoadMode.Upload => ("v1/images", "image"),
            _ => ("", "inputFile"),
        };
        var want = expected is not null && expected.TryGetValue(image.Name, out var e) ? e : null;
        // The course-harness route has no idempotency; v1 uploads get one key for all their attempts.
        var idempotencyKey = options.Mode == LoadMode.Harness ? null : Guid.NewGuid().ToString();

        var begin = Stopwatch.GetTimestamp();
        Outcome outcome;
        for (var attempt = 0; ; attempt++)
        {
            bool retryable;
            try
            {
                using var content = new MultipartFormDataContent();
                var file = new ByteArrayContent(image.Bytes);
                file.Headers.ContentType = new MediaTypeHeaderValue(image.ContentType);
                content.Add(file, field, image.Name);
                using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
                if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", $"\"{idempotencyKey}\"");
                using var response = await client.SendAsync(request, token);
                var body = await response.Content.ReadAsStringAsync(token);
                outcome = AnswerChecker.Check(options.Mode, image.Name, response.StatusCode, body, want);
                retryable = (int)response.StatusCode >= 500;
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return null;
            }
            catch (TaskCanceledException)
            {
                outcome = Outcome.Error("client-timeout");
                retryable = false;
            }
            catch (HttpRequestException ex)
            {
                outcome = ConnectionError(ex);
                retryable = true;
            }
            if (!retryable || attempt >= options.Retries) break;
            Interlocked.Increment(ref _retries);
        }
        var latency = Stopwatch.GetElapsedTime(begin).TotalMilliseconds;
        return new RequestRecord(sequence, image.Name, latency, outcome);
    }

    /// <summary>
    /// A request that got no answer. HttpRequestError says what failed when it can (ConnectionError, NameResolutionError…);
    /// otherwise the inner exception's type does (IOException for a connection closed mid-answer).
    /// </summary>
    private static Outcome ConnectionError(HttpRequestException ex)
    {
        var kind = ex.HttpRequestError != HttpRequestError.Unknown ? ex.HttpRequestError.ToString()
            : ex.InnerException?.GetType().Name ?? nameof(HttpRequestException);
        return Outcome.Error($"http-{kind}", ex.InnerException?.Message ?? ex.Message);
    }

    /// <summary>
    /// One presigned upload: <c>POST /v1/uploads</c>, the PUT of the bytes to the URL it answers with its headers, and in
    /// <see cref="LoadMode.Direct"/> <c>GET /v1/images/{id}?wait=W</c> until the image is finished (at most
    /// <see cref="MaxResultReads"/> reads), checked as v1 checks its answer. The latency runs from the POST to the last answer.
    /// </summary>
    private async Task<RequestRecord?> SendDirectAsync(int sequence, ImageFile image, CancellationToken token)
    {
        var want = expected is not null && expected.TryGetValue(image.Name, out var e) ? e : null;
        var begin = Stopwatch.GetTimestamp();
        Outcome outcome;
        try
        {
            outcome = await DirectAsync(image, want, token);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            return null;
        }
        catch (TaskCanceledException)
        {
            outcome = Outcome.Error("client-timeout");
        }
        catch (HttpRequestException ex)
        {
            outcome = ConnectionError(ex);
        }
        return new RequestRecord(sequence, image.Name, Stopwatch.GetElapsedTime(begin).TotalMilliseconds, outcome);
    }

    private async Task<Outcome> DirectAsync(ImageFile image, ExpectedLabel? want, CancellationToken token)
    {
        PresignedUpload upload;
        using (var grant = await client.PostAsJsonAsync("v1/uploads",
            new { contentType = image.ContentType, contentLength = image.Bytes.Length, fileName = image.Name }, token))
        {
            var (granted, refused) = AnswerChecker.ReadPresignedUpload(grant.StatusCode, await grant.Content.ReadAsStringAsync(token));
            if (granted is null) return refused;
            upload = granted;
        }

        using (var put = new HttpRequestMessage(new HttpMethod(upload.Method), upload.Url) { Content = new ByteArrayContent(image.Bytes) })
        {
            foreach (var (name, value) in upload.Headers)
            {
                if (!put.Headers.TryAddWithoutValidation(name, value)) put.Content.Headers.TryAddWithoutValidation(name, value);
            }
            using var stored = await _storage.Value.SendAsync(put, token);
            if (!stored.IsSuccessStatusCode)
            {
                var text = await stored.Content.ReadAsStringAsync(token);
                return Outcome.Error($"put-{(int)stored.StatusCode}", text.Length <= 200 ? text : text[..200] + "…");
            }
        }
        if (options.Mode == LoadMode.DirectUpload) return Outcome.Ok;

        for (var read = 1; ; read++)
        {
            using var response = await client.GetAsync($"v1/images/{upload.Id}?wait={options.WaitSeconds}", token);
            var body = await response.Content.ReadAsStringAsync(token);
            var status = response.StatusCode == System.Net.HttpStatusCode.OK ? AnswerChecker.StatusOf(body) : null;
            if (status is "queued" or "awaiting-upload" && read < MaxResultReads) continue;
            return status is "queued" or "awaiting-upload"
                ? Outcome.Error("not-ready", $"{upload.Id} still {status} after {read} reads of {options.WaitSeconds} s")
                : AnswerChecker.Check(LoadMode.Direct, image.Name, response.StatusCode, body, want);
        }
    }
}
