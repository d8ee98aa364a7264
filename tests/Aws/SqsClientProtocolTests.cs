using System.Net;
using System.Text;
using ImageRec.Common.Aws;
using ImageRec.Common.Aws.Credentials;
using ImageRec.Common.Aws.Signing;
using ImageRec.Common.Aws.Sqs;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ImageRec.Tests.Aws;

/// <summary>
/// <see cref="SqsClient"/> against a scripted HTTP handler: request shape of the JSON protocol,
/// error mapping and the retry policy, which the emulator cannot provoke.
/// </summary>
public sealed class SqsClientProtocolTests
{
    private const string Endpoint = "http://sqs.test:4566/";
    private const string QueueUrl = "http://sqs.test:4566/000000000000/jobs";

    [Fact]
    public async Task Requests_are_signed_json_protocol_posts_to_the_endpoint()
    {
        var handler = new ScriptedHandler((_, _) => Json(HttpStatusCode.OK, "{\"QueueUrl\":\"" + QueueUrl + "\"}"));
        var sqs = CreateClient(handler, credentials: new AwsCredentialsSnapshot("AKID", "secret", "session-token"));

        var url = await sqs.GetQueueUrlAsync("jobs", CancellationToken.None);

        Assert.Equal(QueueUrl, url);
        var request = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal(new Uri(Endpoint), request.Uri);
        Assert.Equal("application/x-amz-json-1.0", request.Headers["Content-Type"]);
        Assert.Equal("AmazonSQS.GetQueueUrl", request.Headers["X-Amz-Target"]);
        Assert.Equal("{\"QueueName\":\"jobs\"}", request.Body);
        Assert.Equal("session-token", request.Headers["X-Amz-Security-Token"]);
        var authorization = request.Headers["Authorization"];
        Assert.StartsWith("AWS4-HMAC-SHA256 Credential=AKID/", authorization);
        Assert.Contains("/us-east-1/sqs/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target, Signature=", authorization);
    }

    [Fact]
    public async Task Receive_sends_only_the_parameters_given()
    {
        var handler = new ScriptedHandler((_, _) => Json(HttpStatusCode.OK, "{}"));
        var sqs = CreateClient(handler);

        var messages = await sqs.ReceiveMessagesAsync(QueueUrl, new SqsReceiveOptions
        {
            MaxNumberOfMessages = 5,
            WaitTimeSeconds = 2,
            MessageSystemAttributeNames = [SqsMessageSystemAttributeNames.ApproximateReceiveCount],
        }, CancellationToken.None);

        Assert.Empty(messages);
        Assert.Equal(
            "{\"QueueUrl\":\"" + QueueUrl + "\",\"MaxNumberOfMessages\":5,\"WaitTimeSeconds\":2,\"MessageSystemAttributeNames\":[\"ApproximateReceiveCount\"]}",
            Assert.Single(handler.Requests).Body);
    }

    [Fact]
    public async Task Transient_server_errors_are_retried_for_safe_operations()
    {
        var handler = new ScriptedHandler((_, attempt) => attempt < 3
            ? Json(HttpStatusCode.InternalServerError, "{\"__type\":\"com.amazonaws.sqs#InternalFailure\",\"message\":\"boom\"}")
            : Json(HttpStatusCode.OK, "{}"));
        var sqs = CreateClient(handler);

        await sqs.DeleteMessageAsync(QueueUrl, "receipt", CancellationToken.None);

        Assert.Equal(3, handler.Requests.Count);
        // Each attempt is signed on its own.
        Assert.All(handler.Requests, r => Assert.StartsWith("AWS4-HMAC-SHA256 ", r.Headers["Authorization"]));
    }

    [Fact]
    public async Task Throttling_is_transient_and_retries_stop_after_MaxAttempts()
    {
        var handler = new ScriptedHandler((_, _) =>
            Json(HttpStatusCode.BadRequest, "{\"__type\":\"com.amazonaws.sqs#ThrottlingException\",\"message\":\"slow down\"}"));
        var sqs = CreateClient(handler, maxAttempts: 3);

        var error = await Assert.ThrowsAsync<SqsException>(
            () => sqs.GetQueueAttributesAsync(QueueUrl, [SqsQueueAttributeNames.All], CancellationToken.None));

        Assert.Equal("ThrottlingException", error.ErrorCode);
        Assert.Equal("slow down", error.ErrorMessage);
        Assert.True(error.IsTransient);
        Assert.Equal(3, handler.Requests.Count);
    }

    [Fact]
    public async Task Sends_are_not_retried_because_a_retry_could_duplicate_the_message()
    {
        var handler = new ScriptedHandler((_, _) => Json(HttpStatusCode.ServiceUnavailable, "{\"__type\":\"com.amazonaws.sqs#ServiceUnavailable\",\"message\":\"later\"}"));
        var sqs = CreateClient(handler);

        var error = await Assert.ThrowsAsync<SqsException>(() => sqs.SendMessageAsync(QueueUrl, "job", null, CancellationToken.None));

        Assert.True(error.IsTransient);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.StatusCode);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task Network_failures_become_transient_SqsExceptions()
    {
        var handler = new ScriptedHandler((_, _) => throw new HttpRequestException("connection refused"));
        var sqs = CreateClient(handler, maxAttempts: 2);

        var error = await Assert.ThrowsAsync<SqsException>(() => sqs.GetQueueUrlAsync("jobs", CancellationToken.None));

        Assert.Equal(SqsErrorCodes.NetworkError, error.ErrorCode);
        Assert.True(error.IsTransient);
        Assert.Null(error.StatusCode);
        Assert.IsType<HttpRequestException>(error.InnerException);
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task A_connection_lost_while_the_answer_is_read_is_a_transient_network_error_and_retried()
    {
        var handler = new ScriptedHandler((_, attempt) => attempt == 1
            ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new BrokenStream("{\"QueueUrl\":\"http"u8.ToArray())) }
            : Json(HttpStatusCode.OK, "{\"QueueUrl\":\"" + QueueUrl + "\"}"));
        var sqs = CreateClient(handler);

        Assert.Equal(QueueUrl, await sqs.GetQueueUrlAsync("jobs", CancellationToken.None));
        Assert.Equal(2, handler.Requests.Count);

        // A call that is not retried hands the failure to its caller as an SqsException, like any other network error.
        var once = CreateClient(new ScriptedHandler((_, _) =>
            new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new BrokenStream("{\"MessageId\":"u8.ToArray())) }));
        var error = await Assert.ThrowsAsync<SqsException>(() => once.SendMessageAsync(QueueUrl, "job", null, CancellationToken.None));
        Assert.Equal(SqsErrorCodes.NetworkError, error.ErrorCode);
        Assert.True(error.IsTransient);
        Assert.IsAssignableFrom<IOException>(error.InnerException);
    }

    /// <summary>A response body that breaks off after its first bytes, as a reset connection does.</summary>
    private sealed class BrokenStream(byte[] start) : MemoryStream(start)
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await base.ReadAsync(buffer, cancellationToken);
            return read > 0 ? read : throw new IOException("Unable to read data from the transport connection: Connection reset by peer.");
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    [Fact]
    public async Task Query_error_header_identifies_a_missing_queue_when_the_body_is_not_json()
    {
        var handler = new ScriptedHandler((_, _) =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.BadRequest) { Content = new StringContent("<html>nope</html>") };
            response.Headers.TryAddWithoutValidation("x-amzn-query-error", "AWS.SimpleQueueService.NonExistentQueue;Sender");
            return response;
        });
        var sqs = CreateClient(handler);

        var error = await Assert.ThrowsAsync<SqsQueueDoesNotExistException>(() => sqs.GetQueueUrlAsync("jobs", CancellationToken.None));

        Assert.Equal(SqsErrorCodes.QueueDoesNotExist, error.ErrorCode);
        Assert.False(error.IsTransient);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task Long_polls_get_their_wait_time_on_top_of_the_request_timeout()
    {
        var handler = new ScriptedHandler(async (_, _, ct) =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(700), ct);
            return Json(HttpStatusCode.OK, "{}");
        });
        var sqs = CreateClient(handler, maxAttempts: 1, requestTimeout: TimeSpan.FromMilliseconds(300));

        // 300 ms + 1 s wait: the slow (700 ms) long poll completes ...
        Assert.Empty(await sqs.ReceiveMessagesAsync(QueueUrl, new SqsReceiveOptions { WaitTimeSeconds = 1 }, CancellationToken.None));
        // ... while an ordinary call times out after 300 ms.
        var error = await Assert.ThrowsAsync<SqsException>(() => sqs.DeleteQueueAsync(QueueUrl, CancellationToken.None));
        Assert.Equal(SqsErrorCodes.RequestTimeout, error.ErrorCode);
        Assert.True(error.IsTransient);
    }

    [Fact]
    public async Task Caller_cancellation_is_not_wrapped()
    {
        var handler = new ScriptedHandler(async (_, _, ct) =>
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, ct);
            return Json(HttpStatusCode.OK, "{}");
        });
        var sqs = CreateClient(handler);
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => sqs.ReceiveMessagesAsync(QueueUrl, new SqsReceiveOptions { WaitTimeSeconds = 20 }, cancellation.Token));
    }

    private static SqsClient CreateClient(
        ScriptedHandler handler, AwsCredentialsSnapshot? credentials = null, int maxAttempts = 4, TimeSpan? requestTimeout = null)
    {
        var options = new AwsOptions { ServiceUrl = Endpoint };
        options.Sqs.MaxAttempts = maxAttempts;
        options.Sqs.RetryBaseDelay = TimeSpan.FromMilliseconds(1);
        options.Sqs.RequestTimeout = requestTimeout ?? TimeSpan.FromSeconds(10);
        return new SqsClient(
            new HttpClient(handler),
            new StaticAwsCredentialsSource(credentials ?? new AwsCredentialsSnapshot("test", "test")),
            new SigV4RequestSigner(),
            Options.Create(options),
            TimeProvider.System,
            NullLogger<SqsClient>.Instance);
    }

    private static HttpResponseMessage Json(HttpStatusCode status, string body) =>
        new(status) { Content = new StringContent(body, Encoding.UTF8, "application/x-amz-json-1.0") };

    private sealed record RecordedRequest(HttpMethod Method, Uri? Uri, IReadOnlyDictionary<string, string> Headers, string Body);

    /// <summary>Answers each request with a scripted response and records what was sent.</summary>
    private sealed class ScriptedHandler(Func<HttpRequestMessage, int, CancellationToken, Task<HttpResponseMessage>> respond) : HttpMessageHandler
    {
        public ScriptedHandler(Func<HttpRequestMessage, int, HttpResponseMessage> respond)
            : this((request, attempt, _) => Task.FromResult(respond(request, attempt)))
        {
        }

        public List<RecordedRequest> Requests { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var headers = request.Headers.Concat(request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>())
                .ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
            var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
            Requests.Add(new RecordedRequest(request.Method, request.RequestUri, headers, body));
            return await respond(request, Requests.Count, cancellationToken);
        }
    }
}
