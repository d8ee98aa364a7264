namespace ImageRec.Tests.Infrastructure.Chaos;

/// <summary>
/// One request a <see cref="FaultProxy"/> received and what it did with it (<see cref="FaultMode.PassThrough"/>
/// when it was forwarded untouched), so a test can tell what a client did during and after a fault —
/// e.g. that it listed again after its watch was answered 410 Gone. <see cref="Query"/> keeps its leading '?';
/// <see cref="Target"/> is the AWS JSON-protocol action (<c>X-Amz-Target</c>, e.g. <c>DynamoDB_20120810.Query</c>), if any.
/// </summary>
public sealed record ProxiedRequest(DateTimeOffset At, string Method, string Path, string Query, FaultMode Mode, string? Target = null);
