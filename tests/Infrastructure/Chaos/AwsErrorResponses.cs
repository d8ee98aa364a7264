using System.Text;
using Microsoft.AspNetCore.Http;

namespace ImageRec.Tests.Infrastructure.Chaos;

/// <summary>
/// The 503s SQS and S3 send when they shed load, shaped as the services send them, so clients take
/// their real error paths: SQS's JSON protocol error (<c>__type</c>, <c>message</c>, <c>x-amzn-query-error</c>;
/// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/CommonErrors.html) and S3's
/// XML <c>SlowDown</c> (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html); and S3's 409 to a
/// conditional write that raced another write.
/// </summary>
public static class AwsErrorResponses
{
    /// <summary>SQS JSON-protocol calls are <c>POST /</c> with <c>X-Amz-Target: AmazonSQS.Action</c>; everything else is S3.</summary>
    public static bool IsSqs(HttpRequest request) =>
        request.Headers.TryGetValue("X-Amz-Target", out var target) && target.ToString().StartsWith("AmazonSQS.", StringComparison.Ordinal);

    public static async Task WriteServiceUnavailableAsync(HttpContext context)
    {
        if (!IsSqs(context.Request))
        {
            await WriteS3ErrorAsync(context, StatusCodes.Status503ServiceUnavailable, "SlowDown", "Please reduce your request rate.");
            return;
        }
        var response = context.Response;
        response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        response.ContentType = "application/x-amz-json-1.0";
        response.Headers["x-amzn-query-error"] = "ServiceUnavailable;Receiver";
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes(
            """{"__type":"com.amazonaws.sqs#ServiceUnavailable","message":"The request has failed due to a temporary failure of the server (injected by the fault proxy)."}"""),
            context.RequestAborted);
    }

    /// <summary>
    /// S3's 409 to a conditional write while another write of the key is in progress
    /// (https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html, If-None-Match).
    /// </summary>
    public static Task WriteConditionalRequestConflictAsync(HttpContext context) =>
        WriteS3ErrorAsync(context, StatusCodes.Status409Conflict, "ConditionalRequestConflict",
            "A conflicting operation occurred. If using PutObject you can retry the request.");

    private static async Task WriteS3ErrorAsync(HttpContext context, int status, string code, string message)
    {
        var requestId = Guid.NewGuid().ToString();
        var response = context.Response;
        response.StatusCode = status;
        response.Headers["x-amzn-RequestId"] = requestId;
        response.ContentType = "application/xml";
        response.Headers["x-amz-request-id"] = requestId;
        // A HEAD answer carries no body, only the status (as S3 does).
        if (HttpMethods.IsHead(context.Request.Method)) return;
        var body = $"""<?xml version="1.0" encoding="UTF-8"?><Error><Code>{code}</Code><Message>{message}</Message><RequestId>{requestId}</RequestId><HostId>fault-proxy</HostId></Error>""";
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes(body), context.RequestAborted);
    }
}
