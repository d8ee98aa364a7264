using System.Net;

namespace ImageRec.Common.Aws.Sqs;

/// <summary>The queue named or addressed does not exist (or was deleted); never transient.</summary>
public sealed class SqsQueueDoesNotExistException(string message, HttpStatusCode? statusCode, string? queryErrorCode)
    : SqsException(SqsErrorCodes.QueueDoesNotExist, message, statusCode, isTransient: false, queryErrorCode);
