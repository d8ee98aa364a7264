using System.Text.Json;
using ImageRec.Common.Aws;
using ImageRec.Operator.Entities;
using ImageRec.Operator.Scaling;
using ImageRec.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace ImageRec.Tests.Operator;

/// <summary>
/// The operator's queue depth through the SDK, against a scripted SQS endpoint over real HTTP: a full answer is
/// the depth; an answer that lacks or garbles a counter is an error (the autoscaler then reports the queue
/// unreachable and keeps its replicas, see <see cref="PoolAutoscalerTests"/>), never a depth of 0.
/// </summary>
public sealed class SqsQueueDepthReaderTests
{
    private const string QueueUrl = "http://sqs.us-east-1.localhost/000000000000/requests";

    private static string Attributes(params (string Name, string Value)[] attributes) =>
        JsonSerializer.Serialize(new { Attributes = attributes.ToDictionary(a => a.Name, a => a.Value) });

    private static async Task<(QueueDepth? Depth, QueueDepthUnavailableException? Error, FakeSqsEndpoint Endpoint)> ReadAsync(int status, string body)
    {
        var endpoint = await FakeSqsEndpoint.StartAsync((_, _) => (status, body));
        using var reader = new SqsQueueDepthReader(Options.Create(new AwsOptions { AccessKeyId = "fake", SecretAccessKey = "fake" }), TimeProvider.System);
        var queue = new QueueSpec { Url = QueueUrl, Endpoint = endpoint.Address.ToString() };
        try
        {
            return (await reader.ReadAsync(queue, CancellationToken.None), null, endpoint);
        }
        catch (QueueDepthUnavailableException e)
        {
            return (null, e, endpoint);
        }
    }

    [Fact]
    public async Task A_full_answer_is_the_depth_and_asks_for_exactly_the_three_counters()
    {
        var (depth, error, endpoint) = await ReadAsync(200, Attributes(
            ("ApproximateNumberOfMessages", "42"), ("ApproximateNumberOfMessagesNotVisible", "7"), ("ApproximateNumberOfMessagesDelayed", "3")));
        await using var _ = endpoint;

        Assert.Null(error);
        Assert.Equal((42L, 7L, 3L), (depth!.Visible, depth.InFlight, depth.Delayed));
        var (action, request) = Assert.Single(endpoint.Requests);
        Assert.Equal("GetQueueAttributes", action);
        Assert.Equal(QueueUrl, request.GetProperty("QueueUrl").GetString());
        Assert.Equal(["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesDelayed", "ApproximateNumberOfMessagesNotVisible"],
            request.GetProperty("AttributeNames").EnumerateArray().Select(n => n.GetString()!).Order());
    }

    public static TheoryData<string, string, string> BadAnswers() => new()
    {
        { "no attribute map", "{}", "ApproximateNumberOfMessages" },
        { "an empty map", Attributes(), "ApproximateNumberOfMessages" },
        { "in-flight missing", Attributes(("ApproximateNumberOfMessages", "0"), ("ApproximateNumberOfMessagesDelayed", "0")), "ApproximateNumberOfMessagesNotVisible" },
        { "delayed missing", Attributes(("ApproximateNumberOfMessages", "0"), ("ApproximateNumberOfMessagesNotVisible", "0")), "ApproximateNumberOfMessagesDelayed" },
        { "not a number", Attributes(("ApproximateNumberOfMessages", "many"), ("ApproximateNumberOfMessagesNotVisible", "0"), ("ApproximateNumberOfMessagesDelayed", "0")), "ApproximateNumberOfMessages" },
        { "negative", Attributes(("ApproximateNumberOfMessages", "0"), ("ApproximateNumberOfMessagesNotVisible", "-1"), ("ApproximateNumberOfMessagesDelayed", "0")), "ApproximateNumberOfMessagesNotVisible" },
        { "empty string", Attributes(("ApproximateNumberOfMessages", "0"), ("ApproximateNumberOfMessagesNotVisible", "0"), ("ApproximateNumberOfMessagesDelayed", "")), "ApproximateNumberOfMessagesDelayed" },
    };

    [Theory]
    [MemberData(nameof(BadAnswers))]
    public async Task An_answer_that_lacks_or_garbles_a_counter_is_an_error_not_an_empty_queue(string kind, string body, string counter)
    {
        var (depth, error, endpoint) = await ReadAsync(200, body);
        await using var _ = endpoint;

        Assert.True(depth is null, $"{kind}: read as {depth}");
        Assert.Equal("IncompleteAttributes", error!.Reason);
        Assert.Contains(counter, error.Message);
    }

    [Fact]
    public async Task A_refused_read_is_an_error_with_the_service_code()
    {
        var (depth, error, endpoint) = await ReadAsync(400,
            "{\"__type\":\"com.amazonaws.sqs#AccessDenied\",\"message\":\"not authorized to perform sqs:GetQueueAttributes\"}");
        await using var _ = endpoint;

        Assert.Null(depth);
        Assert.Contains("AccessDenied", error!.Reason);
        Assert.Contains("not authorized", error.Message);
    }
}
