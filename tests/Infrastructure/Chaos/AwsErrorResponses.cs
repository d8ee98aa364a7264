using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace ImageRec.Tests.Infrastructure.Chaos;

/// <summary>
/// The 503s SQS and S3 send when they shed load, shaped as the services send them, so clients take
/// their real error paths: SQS's JSON protocol error (<c>__type</c>, <c>message</c>, <c>x-amzn-query-error</c>;
/// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/CommonErrors.html) and S3's
/// XML <c>SlowDown</c> (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html); S3's 409 to a
/// conditional write that raced another write; DynamoDB's 500; and lasting refusals (403 AccessDenied from SQS or
/// S3, S3's 501).
/// </summary>
public static class AwsErrorResponses
{
    /// <summary>SQS JSON-protocol calls are <c>POST /</c> with <c>X-Amz-Target: AmazonSQS.Action</c>; everything else is S3.</summary>
    public static bool IsSqs(HttpRequest request) =>
        request.Headers.TryGetValue("X-Amz-Target", out var target) && target.ToString().StartsWith("AmazonSQS.", StringComparison.Ordinal);

    /// <summary>Whether <paramref name="request"/> is the SQS call <paramref name="action"/>, e.g. <c>ReceiveMessage</c>.</summary>
    public static bool IsSqsAction(HttpRequest request, string action) => request.Headers["X-Amz-Target"] == "AmazonSQS." + action;

    /// <summary>DynamoDB calls (the image index) are <c>POST /</c> with <c>X-Amz-Target: DynamoDB_20120810.Action</c>.</summary>
    public static bool IsDynamoDb(HttpRequest request) =>
        request.Headers.TryGetValue("X-Amz-Target", out var target) && target.ToString().StartsWith("DynamoDB_", StringComparison.Ordinal);

    public static Task WriteServiceUnavailableAsync(HttpContext context) =>
        WriteAsSentAsync(context, StatusCodes.Status503ServiceUnavailable,
            s3: ("SlowDown", "Please reduce your request rate."),
            sqs: ("com.amazonaws.sqs#ServiceUnavailable", "ServiceUnavailable;Receiver",
                "The request has failed due to a temporary failure of the server (injected by the fault proxy)."));

    /// <summary>
    /// A lasting refusal: the 403 AccessDenied S3 (XML) and SQS (JSON, <c>x-amzn-query-error: AccessDenied;Sender</c>)
    /// send when the caller's role lacks the permission. Retrying does not help; only an operator does.
    /// </summary>
    public static Task WriteAccessDeniedAsync(HttpContext context) =>
        WriteAsSentAsync(context, StatusCodes.Status403Forbidden,
            s3: ("AccessDenied", "Access Denied"),
            sqs: ("com.amazon.coral.service#AccessDeniedException", "AccessDenied;Sender",
                "User: arn:aws:sts::000000000000:assumed-role/imagerec/fault-proxy is not authorized to perform this action (injected by the fault proxy)."));

    /// <summary>
    /// DynamoDB's 500 InternalServerError, a fault on its side that usually passes, in its JSON protocol
    /// (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html).
    /// </summary>
    public static Task WriteDynamoDbInternalServerErrorAsync(HttpContext context) =>
        WriteJsonErrorAsync(context, StatusCodes.Status500InternalServerError, "com.amazonaws.dynamodb.v20120810#InternalServerError",
            "Internal server error (injected by the fault proxy)");

    /// <summary>
    /// S3's 501 NotImplemented, what a store without conditional writes answers a PUT with <c>If-None-Match</c>
    /// (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html): a 5xx that is a lasting refusal.
    /// </summary>
    public static Task WriteNotImplementedAsync(HttpContext context) =>
        WriteS3ErrorAsync(context, StatusCodes.Status501NotImplemented, "NotImplemented",
            "A header you provided implies functionality that is not implemented.");

    /// <summary>
    /// S3's 409 to a conditional write while another write of the key is in progress
    /// (https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html, If-None-Match).
    /// </summary>
    public static Task WriteConditionalRequestConflictAsync(HttpContext context) =>
        WriteS3ErrorAsync(context, StatusCodes.Status409Conflict, "ConditionalRequestConflict",
            "A conflicting operation occurred. If using PutObject you can retry the request.");

    /// <summary>The error as the service the request went to sends it: SQS's JSON, else S3's XML.</summary>
    private static Task WriteAsSentAsync(HttpContext context, int status, (string Code, string Message) s3, (string Type, string QueryError, string Message) sqs) =>
        IsSqs(context.Request)
            ? WriteJsonErrorAsync(context, status, sqs.Type, sqs.Message, sqs.QueryError)
            : WriteS3ErrorAsync(context, status, s3.Code, s3.Message);

    /// <summary>
    /// A JSON-protocol error (SQS, DynamoDB): <c>__type</c> and <c>message</c>, and for SQS the query-compatible code
    /// and fault side the SDK reads.
    /// </summary>
    private static async Task WriteJsonErrorAsync(HttpContext context, int status, string type, string message, string? queryError = null)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        response.ContentType = "application/x-amz-json-1.0";
        if (queryError is not null) response.Headers["x-amzn-query-error"] = queryError;
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new Dictionary<string, string> { ["__type"] = type, ["message"] = message })),
            context.RequestAborted);
    }

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
