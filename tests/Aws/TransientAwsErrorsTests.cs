using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.SQS;
using Amazon.SQS.Model;
using ImageRec.Common.Aws;
using ImageRec.Common.Aws.S3;
using ImageRec.Tests.Infrastructure.Chaos;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ImageRec.Tests.Aws;

/// <summary>
/// The one classification of AWS failures the web tier (503 or not) and the worker (retry soon or leave to the
/// redrive policy) share, over the exception types the SDK throws.
/// </summary>
public sealed class TransientAwsErrorsTests
{
    private static AmazonSQSException Sqs(string code, HttpStatusCode status, ErrorType type = ErrorType.Sender) =>
        new($"SQS said {code}", type, code, "request-id", status);

    public static TheoryData<string, Exception> Transient() => new()
    {
        { "SQS 503", Sqs("ServiceUnavailable", HttpStatusCode.ServiceUnavailable, ErrorType.Receiver) },
        { "SQS 500 InternalFailure", Sqs("InternalFailure", HttpStatusCode.InternalServerError, ErrorType.Receiver) },
        // SQS throttles with a 400: only the code tells.
        { "SQS throttling (400)", Sqs("ThrottlingException", HttpStatusCode.BadRequest) },
        { "SQS RequestThrottled (403)", Sqs("RequestThrottled", HttpStatusCode.Forbidden) },
        { "KMS throttling under SQS", Sqs("KMS.ThrottlingException", HttpStatusCode.BadRequest) },
        { "S3 SlowDown", new AmazonS3Exception("Please reduce your request rate.", ErrorType.Receiver, "SlowDown", "id", HttpStatusCode.ServiceUnavailable) },
        { "S3 RequestTimeout (400)", new AmazonS3Exception("Your socket connection was not read from or written to.", ErrorType.Sender, "RequestTimeout", "id", HttpStatusCode.BadRequest) },
        { "502 from a gateway, no code", new AmazonServiceException("Bad Gateway", ErrorType.Unknown, null, "id", HttpStatusCode.BadGateway) },
        { "S3 504 Gateway Timeout", new AmazonS3Exception("Gateway Timeout", ErrorType.Receiver, null, "id", HttpStatusCode.GatewayTimeout) },
        { "429 without a code", new AmazonServiceException("Too many requests", ErrorType.Unknown, null, "id", HttpStatusCode.TooManyRequests) },
        { "a service fault with no status", new AmazonServiceException("fault", ErrorType.Receiver, "Whatever", "id", 0) },
        { "connection refused", new HttpRequestException("Connection refused (127.0.0.1:1)", new SocketException((int)SocketError.ConnectionRefused)) },
        { "connection reset mid-body", new IOException("Unable to read data from the transport connection: Connection reset by peer.") },
        { "SDK attempt timeout", new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout.", new TimeoutException()) },
        { "TimeoutException", new TimeoutException("The operation has timed out.") },
        { "credentials endpoint unreachable", new AmazonClientException("Failed to retrieve credentials", new HttpRequestException("No route to host")) },
        { "network error wrapped by the SDK", new AmazonServiceException("Request failed", new IOException("broken pipe")) },
    };

    public static TheoryData<string, Exception> NotTransient() => new()
    {
        { "queue does not exist", new QueueDoesNotExistException("The specified queue does not exist.") { StatusCode = HttpStatusCode.BadRequest, ErrorCode = "QueueDoesNotExist" } },
        { "access denied", Sqs("AccessDenied", HttpStatusCode.Forbidden) },
        { "invalid parameter", Sqs("InvalidParameterValue", HttpStatusCode.BadRequest) },
        { "S3 NoSuchBucket", new AmazonS3Exception("The specified bucket does not exist", ErrorType.Sender, "NoSuchBucket", "id", HttpStatusCode.NotFound) },
        // What a store without conditional writes answers If-None-Match: a 5xx, "the server's side", yet for good.
        { "S3 501 NotImplemented", new AmazonS3Exception("A header you provided implies functionality that is not implemented.", ErrorType.Receiver, "NotImplemented", "id", HttpStatusCode.NotImplemented) },
        { "505 HTTP Version Not Supported", new AmazonServiceException("HTTP Version Not Supported", ErrorType.Receiver, null, "id", HttpStatusCode.HttpVersionNotSupported) },
        { "S3 412", new AmazonS3Exception("At least one of the pre-conditions you specified did not hold", ErrorType.Sender, "PreconditionFailed", "id", HttpStatusCode.PreconditionFailed) },
        { "no credentials at all", new AmazonClientException("Failed to find AWS Credentials for constructing AWS service client") },
        { "the caller's own body", new BadHttpRequestException("Unexpected end of request content.") },
        { "a bug", new InvalidOperationException("a bug") },
        { "a bug under the SDK's exception", new AmazonClientException("wrapped", new NullReferenceException()) },
    };

    [Theory]
    [MemberData(nameof(Transient))]
    public void Failures_that_usually_pass_are_transient(string kind, Exception exception) =>
        Assert.True(TransientAwsErrors.IsTransient(exception, CancellationToken.None), kind);

    [Theory]
    [MemberData(nameof(NotTransient))]
    public void Refusals_the_callers_faults_and_bugs_are_not(string kind, Exception exception) =>
        Assert.False(TransientAwsErrors.IsTransient(exception, CancellationToken.None), kind);

    [Fact]
    public async Task A_cancellation_the_caller_asked_for_is_not_a_failure_of_AWS()
    {
        using var caller = new CancellationTokenSource();
        await caller.CancelAsync();

        Assert.False(TransientAwsErrors.IsTransient(new OperationCanceledException(caller.Token), caller.Token));
        Assert.False(TransientAwsErrors.IsTransient(new TaskCanceledException("timeout", new TimeoutException()), caller.Token));
        // The same exception while the caller still waits is a timeout of the call.
        Assert.True(TransientAwsErrors.IsTransient(new OperationCanceledException(caller.Token), CancellationToken.None));
    }

    /// <summary>A fault proxy that answers every request with <paramref name="answer"/> itself (nothing behind it).</summary>
    private static async Task<FaultProxy> RefusingProxyAsync(Func<HttpContext, Task> answer)
    {
        var proxy = await FaultProxy.StartAsync(new Uri("http://127.0.0.1:9/"));
        proxy.ErrorResponse = answer;
        proxy.Mode = FaultMode.Errors;
        return proxy;
    }

    [Fact]
    public async Task A_store_refusing_conditional_writes_with_501_over_HTTP_is_a_lasting_refusal()
    {
        await using var proxy = await RefusingProxyAsync(AwsErrorResponses.WriteNotImplementedAsync);
        using var s3 = AwsClients.S3WithoutRetries(proxy.Address);
        var put = new PutObjectRequest { BucketName = "input", Key = "owner/id", ContentBody = "image", UseChunkEncoding = false };

        var e = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.PutIfAbsentAsync(put, CancellationToken.None));

        Assert.Equal(HttpStatusCode.NotImplemented, e.StatusCode);
        Assert.Equal("NotImplemented", e.ErrorCode);
        Assert.False(TransientAwsErrors.IsTransient(e, CancellationToken.None));
        Assert.True(AwsCallFailures.IsCallFailure(e, CancellationToken.None));
    }

    [Fact]
    public async Task AccessDenied_over_HTTP_as_S3_and_SQS_send_it_is_a_call_failure_that_is_not_transient()
    {
        await using var proxy = await RefusingProxyAsync(AwsErrorResponses.WriteAccessDeniedAsync);
        using var s3 = AwsClients.S3WithoutRetries(proxy.Address);
        await using var clients = AwsClients.For(proxy.Address);
        var sqs = clients.GetRequiredService<IAmazonSQS>();

        Exception[] refusals =
        [
            await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "input" })),
            await Assert.ThrowsAsync<AmazonSQSException>(() => sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = "http://sqs.us-east-1.localhost/000000000000/requests" })),
        ];

        Assert.All(refusals, e =>
        {
            Assert.Equal(HttpStatusCode.Forbidden, ((AmazonServiceException)e).StatusCode);
            Assert.Equal("AccessDenied", AwsCallFailures.Code(e));
            Assert.False(TransientAwsErrors.IsTransient(e, CancellationToken.None));
            Assert.True(AwsCallFailures.IsCallFailure(e, CancellationToken.None));
        });
    }

    [Fact]
    public void Every_failure_of_an_AWS_call_is_a_call_failure_but_bugs_are_not()
    {
        Assert.True(AwsCallFailures.IsCallFailure(Sqs("AccessDenied", HttpStatusCode.Forbidden), CancellationToken.None));
        Assert.True(AwsCallFailures.IsCallFailure(new IOException("reset"), CancellationToken.None));
        Assert.False(AwsCallFailures.IsCallFailure(new InvalidOperationException("a bug"), CancellationToken.None));
        Assert.Equal("AccessDenied", AwsCallFailures.Code(Sqs("AccessDenied", HttpStatusCode.Forbidden)));
        Assert.Equal(nameof(IOException), AwsCallFailures.Code(new IOException("reset")));
    }
}
