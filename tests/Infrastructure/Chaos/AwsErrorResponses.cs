using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace ImageRec.Tests.Infrastructure.Chaos;

/// <summary>
/// The 503s SQS, S3 and DynamoDB send when they shed load, shaped as the services send them, so clients take
/// their real error paths: SQS's and DynamoDB's JSON protocol errors (<c>__type</c>, <c>message</c>, <c>x-amzn-query-error</c>;
/// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/CommonErrors.html) and S3's
/// XML <c>SlowDown</c> (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html); S3's 409 to a
/// conditional write that raced another write; DynamoDB's 500; and lasting refusals (403 AccessDenied from SQS or
/// S3, DynamoDB's 400 AccessDeniedException, S3's 501).
/// </summary>
public static class AwsErrorResponses
{
    /// <summary>SQS JSON-protocol calls are <c>POST /</c> with <c>X-Amz-Target: AmazonSQS.Action</c>; everything else is S3.</summary>
    public static bool IsSqs(HttpRequest request) =>
        request.Headers.TryGetValue("X-Amz-Target", out var target) && target.ToString().StartsWith("AmazonSQS.", StringComparison.Ordinal);

    /// <summary>DynamoDB calls are <c>POST /</c> with <c>X-Amz-Target: DynamoDB_20120810.Action</c> (the emulator serves them on the same port).</summary>
    public static bool IsDynamoDb(HttpRequest request) =>
        request.Headers.TryGetValue("X-Amz-Target", out var target) && target.ToString().StartsWith("DynamoDB_", StringComparison.Ordinal);

    /// <summary>Whether <paramref name="request"/> is the SQS call <paramref name="action"/>, e.g. <c>ReceiveMessage</c>.</summary>
    public static bool IsSqsAction(HttpRequest request, string action) => request.Headers["X-Amz-Target"] == "AmazonSQS." + action;

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

    /// <summary>
    /// The error as the service the request went to sends it: SQS's JSON, DynamoDB's JSON, else S3's XML. DynamoDB
    /// answers a refused permission with 400 AccessDeniedException and load shedding with 503 ServiceUnavailable
    /// (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html).
    /// </summary>
    private static Task WriteAsSentAsync(HttpContext context, int status, (string Code, string Message) s3, (string Type, string QueryError, string Message) sqs) =>
        IsSqs(context.Request) ? WriteSqsErrorAsync(context, status, sqs.Type, sqs.QueryError, sqs.Message)
        : IsDynamoDb(context.Request) ? WriteJsonErrorAsync(context,
            status == StatusCodes.Status403Forbidden ? StatusCodes.Status400BadRequest : status,
            status == StatusCodes.Status403Forbidden ? "com.amazon.coral.service#AccessDeniedException" : "com.amazonaws.dynamodb.v20120810#ServiceUnavailable",
            sqs.Message)
        : WriteS3ErrorAsync(context, status, s3.Code, s3.Message);

    /// <summary>An SQS JSON-protocol error: <c>__type</c> and <c>message</c>, and the query-compatible code and fault side the SDK reads.</summary>
    private static Task WriteSqsErrorAsync(HttpContext context, int status, string type, string queryError, string message)
    {
        context.Response.Headers["x-amzn-query-error"] = queryError;
        return WriteJsonErrorAsync(context, status, type, message);
    }

    /// <summary>A JSON-protocol error (<c>__type</c>, <c>message</c>), as SQS and DynamoDB send them.</summary>
    private static async Task WriteJsonErrorAsync(HttpContext context, int status, string type, string message)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        response.ContentType = "application/x-amz-json-1.0";
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
