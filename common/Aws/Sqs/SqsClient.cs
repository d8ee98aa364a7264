using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using ImageRec.Common.Aws.Credentials;
using ImageRec.Common.Aws.Signing;
using ImageRec.Common.Aws.Sqs.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ImageRec.Common.Aws.Sqs;

/// <summary>
/// SQS client speaking the AWS JSON 1.0 protocol
/// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-making-api-requests-json.html):
/// every call is <c>POST /</c> with <c>Content-Type: application/x-amz-json-1.0</c> and
/// <c>X-Amz-Target: AmazonSQS.&lt;Action&gt;</c>, signed with SigV4 for service <c>sqs</c>.
/// Requests always go to the configured endpoint; queue URLs travel in the body only.
/// </summary>
public sealed class SqsClient : ISqsClient
{
    private const string ServiceName = "sqs";
    private const string TargetPrefix = "AmazonSQS.";
    private static readonly MediaTypeHeaderValue JsonContentType = new("application/x-amz-json-1.0");

    private readonly HttpClient _httpClient;
    private readonly IAwsCredentialsSource _credentials;
    private readonly IAwsRequestSigner _signer;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<SqsClient> _logger;
    private readonly Uri _endpoint;
    private readonly string _region;
    private readonly SqsClientOptions _options;

    public SqsClient(
        HttpClient httpClient, IAwsCredentialsSource credentials, IAwsRequestSigner signer,
        IOptions<AwsOptions> options, TimeProvider timeProvider, ILogger<SqsClient> logger)
    {
        _httpClient = httpClient;
        // Each attempt gets its own deadline (longer for long polls), so HttpClient's single
        // fixed timeout must not cut a 20 s long poll short.
        _httpClient.Timeout = Timeout.InfiniteTimeSpan;
        _credentials = credentials;
        _signer = signer;
        _timeProvider = timeProvider;
        _logger = logger;
        _endpoint = options.Value.GetSqsEndpoint();
        _region = options.Value.Region;
        _options = options.Value.Sqs;
    }

    public async Task<string> GetQueueUrlAsync(string queueName, CancellationToken cancellationToken)
    {
        var response = await InvokeAsync("GetQueueUrl", new GetQueueUrlRequest(queueName),
            SqsJsonContext.Default.GetQueueUrlRequest, SqsJsonContext.Default.QueueUrlResponse,
            retrySafe: true, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
        return response.QueueUrl ?? throw MissingField("GetQueueUrl", "QueueUrl");
    }

    public async Task<string> CreateQueueAsync(string queueName, IReadOnlyDictionary<string, string>? attributes, CancellationToken cancellationToken)
    {
        // CreateQueue is idempotent for identical attributes, so it is safe to retry.
        var response = await InvokeAsync("CreateQueue", new CreateQueueRequest(queueName, attributes),
            SqsJsonContext.Default.CreateQueueRequest, SqsJsonContext.Default.QueueUrlResponse,
            retrySafe: true, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
        return response.QueueUrl ?? throw MissingField("CreateQueue", "QueueUrl");
    }

    public Task DeleteQueueAsync(string queueUrl, CancellationToken cancellationToken) =>
        InvokeAsync("DeleteQueue", new QueueUrlRequest(queueUrl),
            SqsJsonContext.Default.QueueUrlRequest, SqsJsonContext.Default.EmptyResponse,
            retrySafe: true, TimeSpan.Zero, cancellationToken);

    public async Task<IReadOnlyDictionary<string, string>> GetQueueAttributesAsync(
        string queueUrl, IReadOnlyList<string> attributeNames, CancellationToken cancellationToken)
    {
        var response = await InvokeAsync("GetQueueAttributes", new GetQueueAttributesRequest(queueUrl, attributeNames),
            SqsJsonContext.Default.GetQueueAttributesRequest, SqsJsonContext.Default.GetQueueAttributesResponse,
            retrySafe: true, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
        return response.Attributes ?? new Dictionary<string, string>();
    }

    public async Task<SqsSendMessageResult> SendMessageAsync(string queueUrl, string messageBody, int? delaySeconds, CancellationToken cancellationToken)
    {
        var response = await InvokeAsync("SendMessage", new SendMessageRequest(queueUrl, messageBody, delaySeconds),
            SqsJsonContext.Default.SendMessageRequest, SqsJsonContext.Default.SendMessageResponse,
            retrySafe: false, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
        return new SqsSendMessageResult(response.MessageId ?? throw MissingField("SendMessage", "MessageId"), response.MD5OfMessageBody);
    }

    public async Task<SqsBatchResult> SendMessageBatchAsync(string queueUrl, IReadOnlyList<SqsSendBatchEntry> entries, CancellationToken cancellationToken)
    {
        var wireEntries = entries.Select(e => new SendMessageBatchRequestEntry(e.Id, e.MessageBody, e.DelaySeconds)).ToArray();
        var response = await InvokeAsync("SendMessageBatch", new SendMessageBatchRequest(queueUrl, wireEntries),
            SqsJsonContext.Default.SendMessageBatchRequest, SqsJsonContext.Default.BatchResponse,
            retrySafe: false, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
        return ToBatchResult(response);
    }

    public async Task<IReadOnlyList<SqsMessage>> ReceiveMessagesAsync(string queueUrl, SqsReceiveOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var request = new ReceiveMessageRequest(queueUrl, options.MaxNumberOfMessages, options.WaitTimeSeconds,
            options.VisibilityTimeout, options.MessageSystemAttributeNames is { Count: > 0 } names ? names : null);
        // Retrying a receive is safe: messages handed out on a lost response just reappear later.
        var response = await InvokeAsync("ReceiveMessage", request,
            SqsJsonContext.Default.ReceiveMessageRequest, SqsJsonContext.Default.ReceiveMessageResponse,
            retrySafe: true, TimeSpan.FromSeconds(options.WaitTimeSeconds ?? 20), cancellationToken).ConfigureAwait(false);

        if (response.Messages is not { Count: > 0 } messages)
        {
            return [];
        }
        var result = new SqsMessage[messages.Count];
        for (var i = 0; i < messages.Count; i++)
        {
            var m = messages[i];
            result[i] = new SqsMessage(m.MessageId, m.ReceiptHandle, m.Body ?? "",
                (IReadOnlyDictionary<string, string>?)m.Attributes ?? EmptyAttributes);
        }
        return result;
    }

    public Task DeleteMessageAsync(string queueUrl, string receiptHandle, CancellationToken cancellationToken) =>
        InvokeAsync("DeleteMessage", new DeleteMessageRequest(queueUrl, receiptHandle),
            SqsJsonContext.Default.DeleteMessageRequest, SqsJsonContext.Default.EmptyResponse,
            retrySafe: true, TimeSpan.Zero, cancellationToken);

    public async Task<SqsBatchResult> DeleteMessageBatchAsync(string queueUrl, IReadOnlyList<SqsDeleteBatchEntry> entries, CancellationToken cancellationToken)
    {
        var wireEntries = entries.Select(e => new DeleteMessageBatchRequestEntry(e.Id, e.ReceiptHandle)).ToArray();
        var response = await InvokeAsync("DeleteMessageBatch", new DeleteMessageBatchRequest(queueUrl, wireEntries),
            SqsJsonContext.Default.DeleteMessageBatchRequest, SqsJsonContext.Default.BatchResponse,
            retrySafe: true, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
        return ToBatchResult(response);
    }

    public Task ChangeMessageVisibilityAsync(string queueUrl, string receiptHandle, int visibilityTimeoutSeconds, CancellationToken cancellationToken) =>
        InvokeAsync("ChangeMessageVisibility", new ChangeMessageVisibilityRequest(queueUrl, receiptHandle, visibilityTimeoutSeconds),
            SqsJsonContext.Default.ChangeMessageVisibilityRequest, SqsJsonContext.Default.EmptyResponse,
            retrySafe: true, TimeSpan.Zero, cancellationToken);

    private static readonly IReadOnlyDictionary<string, string> EmptyAttributes = new Dictionary<string, string>();

    private async Task<TResponse> InvokeAsync<TRequest, TResponse>(
        string action, TRequest request, JsonTypeInfo<TRequest> requestType, JsonTypeInfo<TResponse> responseType,
        bool retrySafe, TimeSpan extraTimeout, CancellationToken cancellationToken)
    {
        // Serialise and hash once; each attempt is re-signed with a fresh date.
        var payload = JsonSerializer.SerializeToUtf8Bytes(request, requestType);
        var payloadHash = SigV4Algorithm.HashPayload(payload);
        var maxAttempts = retrySafe ? Math.Max(1, _options.MaxAttempts) : 1;

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await SendOnceAsync(action, payload, payloadHash, responseType, extraTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (SqsException ex) when (ex.IsTransient && attempt < maxAttempts)
            {
                var delay = BackoffDelay(attempt);
                _logger.LogWarning(ex, "SQS {Action} failed transiently ({ErrorCode}), attempt {Attempt} of {MaxAttempts}; retrying in {DelayMs} ms",
                    action, ex.ErrorCode, attempt, maxAttempts, (int)delay.TotalMilliseconds);
                await Task.Delay(delay, _timeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<TResponse> SendOnceAsync<TResponse>(
        string action, byte[] payload, string payloadHash, JsonTypeInfo<TResponse> responseType,
        TimeSpan extraTimeout, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.RequestTimeout + extraTimeout);

        using var message = new HttpRequestMessage(HttpMethod.Post, _endpoint);
        message.Content = new ByteArrayContent(payload);
        message.Content.Headers.ContentType = JsonContentType;
        message.Headers.TryAddWithoutValidation("X-Amz-Target", TargetPrefix + action);

        try
        {
            var credentials = await _credentials.GetCredentialsAsync(timeout.Token).ConfigureAwait(false);
            _signer.Sign(message, payloadHash, credentials, _region, ServiceName, _timeProvider.GetUtcNow());

            using var response = await _httpClient.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw await ReadErrorAsync(response, timeout.Token).ConfigureAwait(false);
            }
            if (typeof(TResponse) == typeof(EmptyResponse))
            {
                return (TResponse)(object)new EmptyResponse();
            }
            await using var body = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
            return await JsonSerializer.DeserializeAsync(body, responseType, timeout.Token).ConfigureAwait(false)
                ?? throw MissingField(action, "body");
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SqsException(SqsErrorCodes.RequestTimeout, $"{action} did not complete within its timeout.", null, isTransient: true, innerException: ex);
        }
        catch (HttpRequestException ex)
        {
            throw new SqsException(SqsErrorCodes.NetworkError, $"{action} failed: {ex.Message}", ex.StatusCode, isTransient: true, innerException: ex);
        }
        catch (IOException ex)
        {
            // The connection broke while the response body was read (reset, or the body ended early).
            throw new SqsException(SqsErrorCodes.NetworkError, $"{action} failed reading the response: {ex.Message}", null, isTransient: true, innerException: ex);
        }
        catch (JsonException ex)
        {
            throw new SqsException("InvalidResponse", $"{action} returned a body that is not valid JSON: {ex.Message}", null, isTransient: false, innerException: ex);
        }
    }

    private static async Task<SqsException> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = response.StatusCode;
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        ErrorResponse? error = null;
        try
        {
            error = text.Length > 0 ? JsonSerializer.Deserialize(text, SqsJsonContext.Default.ErrorResponse) : null;
        }
        catch (JsonException)
        {
            // Not JSON (e.g. a proxy's HTML page): fall back to the status code below.
        }

        var queryError = response.Headers.TryGetValues("x-amzn-query-error", out var values) ? values.FirstOrDefault() : null;
        var queryCode = queryError?.Split(';')[0];
        var code = ShortErrorCode(error?.Type) ?? queryCode ?? $"Http{(int)status}";
        var errorMessage = error?.Message ?? error?.CapitalMessage ?? (text.Length > 0 ? text : response.ReasonPhrase ?? status.ToString());

        if (code == SqsErrorCodes.QueueDoesNotExist || queryCode == SqsErrorCodes.LegacyQueueDoesNotExist)
        {
            return new SqsQueueDoesNotExistException(errorMessage, status, queryCode);
        }
        var transient = (int)status >= 500 || status == HttpStatusCode.TooManyRequests || SqsErrorCodes.IsTransient(code);
        return new SqsException(code, errorMessage, status, transient, queryCode);
    }

    /// <summary><c>com.amazonaws.sqs#QueueDoesNotExist</c> → <c>QueueDoesNotExist</c> (also strips a <c>:uri</c> suffix).</summary>
    private static string? ShortErrorCode(string? type)
    {
        if (string.IsNullOrEmpty(type))
        {
            return null;
        }
        var code = type[(type.LastIndexOf('#') + 1)..];
        var colon = code.IndexOf(':');
        return colon >= 0 ? code[..colon] : code;
    }

    private TimeSpan BackoffDelay(int attempt)
    {
        // Exponential backoff with full jitter: uniform in [0, min(max, base * 2^(attempt-1))].
        var ceiling = Math.Min(_options.RetryMaxDelay.TotalMilliseconds, _options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1));
        return TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * ceiling);
    }

    private static SqsBatchResult ToBatchResult(BatchResponse response) => new(
        response.Successful?.Select(s => new SqsBatchResultEntry(s.Id, s.MessageId)).ToArray() ?? [],
        response.Failed?.Select(f => new SqsBatchFailure(f.Id, f.Code ?? "Unknown", f.Message, f.SenderFault)).ToArray() ?? []);

    private static SqsException MissingField(string action, string field) =>
        new("InvalidResponse", $"{action} response has no {field}.", null, isTransient: false);
}
