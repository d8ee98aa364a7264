using ImageRec.Common.Aws;
using ImageRec.Operator.Entities;
using ImageRec.Operator.Scaling;
using ImageRec.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace ImageRec.Tests.Operator;

[CollectionDefinition(nameof(ProcessEnvironmentCollection), DisableParallelization = true)]
public sealed class ProcessEnvironmentCollection;

/// <summary>
/// Without static keys the reader uses the SDK's default credential chain: none to be found is a queue that cannot be
/// read (QueueDepthUnavailableException, so the pool says QueueReachable=False), never an escaping SDK error, and
/// it is not remembered — credentials that appear later are used. Changes process environment variables, so it runs
/// alone.
/// </summary>
[Collection(nameof(ProcessEnvironmentCollection))]
public sealed class SqsQueueDepthReaderCredentialTests
{
    private static readonly string[] Variables =
    [
        "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
        "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE", "AWS_EC2_METADATA_DISABLED", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    ];

    [Fact]
    public async Task Missing_credentials_are_an_unreadable_queue_and_are_looked_up_again_on_the_next_read()
    {
        var saved = Variables.ToDictionary(v => v, Environment.GetEnvironmentVariable);
        var nowhere = Path.Combine(Path.GetTempPath(), $"no-aws-{Guid.NewGuid():N}");
        await using var endpoint = await FakeSqsEndpoint.StartAsync((_, _) => (200,
            """{"Attributes":{"ApproximateNumberOfMessages":"4","ApproximateNumberOfMessagesNotVisible":"0","ApproximateNumberOfMessagesDelayed":"0"}}"""));
        try
        {
            foreach (var variable in Variables) Environment.SetEnvironmentVariable(variable, null);
            Environment.SetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE", Path.Combine(nowhere, "credentials"));
            Environment.SetEnvironmentVariable("AWS_CONFIG_FILE", Path.Combine(nowhere, "config"));
            Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");

            using var reader = new SqsQueueDepthReader(Options.Create(new AwsOptions()), TimeProvider.System);
            var queue = new QueueSpec { Url = "http://sqs.us-east-1.localhost/000000000000/requests", Endpoint = endpoint.Address.ToString() };

            for (var read = 0; read < 2; read++)
            {
                var error = await Record.ExceptionAsync(() => reader.ReadAsync(queue, CancellationToken.None));
                Assert.IsType<QueueDepthUnavailableException>(error);
            }
            Assert.Empty(endpoint.Requests);

            Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "fake");
            Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "fake");
            Assert.Equal(4, (await reader.ReadAsync(queue, CancellationToken.None)).Visible);
        }
        finally
        {
            foreach (var (variable, value) in saved) Environment.SetEnvironmentVariable(variable, value);
        }
    }
}
