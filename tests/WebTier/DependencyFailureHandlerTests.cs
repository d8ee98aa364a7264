using System.Net;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.SQS;
using ImageRec.WebTier;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImageRec.Tests.WebTier;

/// <summary>
/// Every way an S3 or SQS failure reaches a request (the failures the chaos tests provoke) becomes a 503
/// with Retry-After and a problem+json reason; the caller's own faults, bugs and lasting refusals (a missing permission)
/// are left to the default handling.
/// </summary>
public sealed class DependencyFailureHandlerTests
{
    public static TheoryData<string> DependencyFailures() =>
        ["SQS ServiceUnavailable", "S3 SlowDown", "S3 connection reset", "HTTP failure", "S3 timeout"];

    private static Exception Failure(string kind) => kind switch
    {
        "SQS ServiceUnavailable" => new AmazonSQSException("temporary failure", ErrorType.Receiver, "ServiceUnavailable", "request-id", HttpStatusCode.ServiceUnavailable),
        "S3 SlowDown" => new AmazonS3Exception("Please reduce your request rate.", ErrorType.Receiver, "SlowDown", "request-id", HttpStatusCode.ServiceUnavailable),
        // What AWSSDK.S3 throws when the connection is reset on its last retry.
        "S3 connection reset" => new IOException("Unable to read data from the transport connection: Connection reset by peer."),
        "HTTP failure" => new HttpRequestException("An error occurred while sending the request."),
        "S3 timeout" => new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout.", new TimeoutException()),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    private static (DependencyFailureHandler Handler, HttpContext Context) Create()
    {
        var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        var context = new DefaultHttpContext { RequestServices = services };
        context.Response.Body = new MemoryStream();
        return (new DependencyFailureHandler(services.GetRequiredService<IProblemDetailsService>(), NullLogger<DependencyFailureHandler>.Instance), context);
    }

    [Theory]
    [MemberData(nameof(DependencyFailures))]
    public async Task A_dependency_failure_is_503_with_retry_after_and_a_reason(string kind)
    {
        var (handler, context) = Create();

        Assert.True(await handler.TryHandleAsync(context, Failure(kind), CancellationToken.None));

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, context.Response.StatusCode);
        Assert.Equal("2", context.Response.Headers.RetryAfter.ToString());
        Assert.Equal("application/problem+json", context.Response.ContentType);
        context.Response.Body.Position = 0;
        var problem = JsonDocument.Parse(context.Response.Body).RootElement;
        Assert.Equal("dependency-unavailable", problem.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task The_callers_own_faults_bugs_and_lasting_refusals_are_not_called_dependency_failures()
    {
        var (handler, context) = Create();
        Assert.False(await handler.TryHandleAsync(context, new BadHttpRequestException("Unexpected end of request content."), CancellationToken.None));
        Assert.False(await handler.TryHandleAsync(context, new InvalidOperationException("a bug"), CancellationToken.None));
        // Refused for good (a missing permission): retrying later will not help, so no 503 with Retry-After.
        Assert.False(await handler.TryHandleAsync(context,
            new AmazonSQSException("not authorized to perform sqs:SendMessage", ErrorType.Sender, "AccessDenied", "request-id", HttpStatusCode.Forbidden), CancellationToken.None));

        // The caller hung up: nobody to answer.
        using var aborted = new CancellationTokenSource();
        await aborted.CancelAsync();
        context.RequestAborted = aborted.Token;
        Assert.False(await handler.TryHandleAsync(context, new OperationCanceledException(aborted.Token), CancellationToken.None));
        Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
    }
}
