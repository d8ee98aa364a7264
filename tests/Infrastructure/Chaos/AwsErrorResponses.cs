using System.Text;
using Microsoft.AspNetCore.Http;

namespace ImageRec.Tests.Infrastructure.Chaos;

/// <summary>
/// The 503s SQS and S3 send when they shed load, shaped as the services send them, so clients take
/// their real error paths: SQS's JSON protocol error (<c>__type</c>, <c>message</c>, <c>x-amzn-query-error</c>;
/// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/CommonErrors.html) and S3's
/// XML <c>SlowDown</c> (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html).
/// </summary>
public static class AwsErrorResponses
{
    /// <summary>SQS JSON-protocol calls are <c>POST /</c> with <c>X-Amz-Target: AmazonSQS.Action</c>; everything else is S3.</summary>
    public static bool IsSqs(HttpRequest request) =>
        request.Headers.TryGetValue("X-Amz-Target", out var target) && target.ToString().StartsWith("AmazonSQS.", StringComparison.Ordinal);

    public static async Task WriteServiceUnavailableAsync(HttpContext context)
    {
        var requestId = Guid.NewGuid().ToString();
        var response = context.Response;
        response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        response.Headers["x-amzn-RequestId"] = requestId;
        string body;
        if (IsSqs(context.Request))
        {
            response.ContentType = "application/x-amz-json-1.0";
            response.Headers["x-amzn-query-error"] = "ServiceUnavailable;Receiver";
            body = """{"__type":"com.amazonaws.sqs#ServiceUnavailable","message":"The request has failed due to a temporary failure of the server (injected by the fault proxy)."}""";
        }
        else
        {
            response.ContentType = "application/xml";
            response.Headers["x-amz-request-id"] = requestId;
            body = $"""<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message><RequestId>{requestId}</RequestId><HostId>fault-proxy</HostId></Error>""";
        }
        // A HEAD answer carries no body, only the status (as S3 does).
        if (HttpMethods.IsHead(context.Request.Method)) return;
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes(body), context.RequestAborted);
    }
}
