using System.Text;
using BenchmarkDotNet.Attributes;
using ImageRec.Common.Aws.Credentials;
using ImageRec.Common.Aws.Signing;

namespace ImageRec.Benchmarks;

/// <summary>
/// Signing an SQS SendMessage (JSON protocol, ~1 KB body: a job message) the way SqsClient does: hash the
/// body, then <see cref="SigV4Algorithm.ComputeAuthorization"/> over method, path, the signed headers and the
/// hash. Baseline: the SHA-256 of the body alone, which every signature needs anyway.
/// </summary>
[MemoryDiagnoser]
public class SigV4Benchmarks
{
    private static readonly AwsCredentialsSnapshot Credentials =
        new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", SessionToken: null);

    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    private byte[] _body = [];
    private KeyValuePair<string, string>[] _headers = [];

    [GlobalSetup]
    public void Setup()
    {
        // A SendMessage body carrying a job ({v, id, owner, input, replyTo} plus a traceparent), padded to ~1 KB.
        var job = "{\"v\":1,\"id\":\"0f8b1c9e-3d1a-4b7e-9a57-2f1f6f0b9c41\",\"owner\":\"course-harness\"," +
                  "\"input\":{\"bucket\":\"imagerec-input\",\"key\":\"course-harness/0f8b1c9e-3d1a-4b7e-9a57-2f1f6f0b9c41\"}," +
                  "\"replyTo\":\"https://sqs.us-east-1.amazonaws.com/123456789012/imagerec-reply-web-7c9f6d5b8-x2x7q\"," +
                  "\"traceparent\":\"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\",\"note\":\"" +
                  new string('x', 420) + "\"}";
        var body = "{\"QueueUrl\":\"https://sqs.us-east-1.amazonaws.com/123456789012/imagerec-requests\"," +
                   "\"MessageBody\":" + System.Text.Json.JsonSerializer.Serialize(job) + "}";
        _body = Encoding.UTF8.GetBytes(body);
        if (_body.Length is < 900 or > 1200)
            throw new InvalidOperationException($"body is {_body.Length} bytes, meant to be ~1 KB");
        _headers =
        [
            new("Content-Type", "application/x-amz-json-1.0"),
            new("Host", "sqs.us-east-1.amazonaws.com"),
            new("X-Amz-Target", "AmazonSQS.SendMessage"),
            new(SigV4Algorithm.AmzDateHeader, SigV4Algorithm.FormatAmzDate(Now)),
        ];
    }

    [Benchmark(Baseline = true)]
    public string Sha256OfBody() => SigV4Algorithm.HashPayload(_body);

    [Benchmark]
    public string SignSendMessage()
    {
        var request = new SigV4Request("POST", "/", null, _headers, SigV4Algorithm.HashPayload(_body));
        return SigV4Algorithm.ComputeAuthorization(request, Credentials, "us-east-1", "sqs", Now, SigV4SignerOptions.Default);
    }
}
