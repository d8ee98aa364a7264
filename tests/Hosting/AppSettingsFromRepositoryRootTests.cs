using System.Diagnostics;
using Amazon.SQS;
using ImageRec.Tests.Infrastructure;

namespace ImageRec.Tests.Hosting;

/// <summary>
/// <c>make run</c> starts every service from the repository root. Each must still read its own
/// appsettings.json (beside its binary): its content root is that folder, and the log levels it sets
/// hold — ASP.NET Core's and HttpClient's Information lines (a line per request, four per SQS call)
/// are off, while the host's own Information lines still show.
/// </summary>
[Collection(AwsEmulatorCollection.Name)]
public sealed class AppSettingsFromRepositoryRootTests(AwsEmulatorFixture emulator)
{
    public static TheoryData<string> Services() => new("webtier", "worker", "operator", "identity");

    [Theory]
    [MemberData(nameof(Services))]
    public async Task A_service_started_from_the_repository_root_reads_its_appsettings_json(string project)
    {
        var sqs = emulator.CreateSqsClient();
        var queue = await sqs.NewQueueAsync(AwsEmulatorFixture.UniqueName("requests"));
        var port = FreePorts.One();
        var scratch = Directory.CreateTempSubdirectory("imagerec-appsettings-").FullName;
        var (arguments, environment) = await SettingsAsync(project, queue, port, scratch);
        var service = ServiceProcess.Start(project, ["--urls", $"http://127.0.0.1:{port}", .. arguments], environment, workingDirectory: RepositoryPaths.Root);
        await using (service)
        {
            // Ready means SQS was called: the web tier made its reply queue, the operator read the queue's depth.
            await service.WaitUntilAnswersAsync(new Uri($"http://127.0.0.1:{port}/{(project == "identity" ? "healthz" : "readyz")}"), TimeSpan.FromSeconds(60));
            if (project == "worker") await WaitUntilReceivedAsync(sqs, queue);
        }
        Directory.Delete(scratch, recursive: true);

        // appsettings.json sets Microsoft.AspNetCore and System.Net.Http.HttpClient to Warning; the host's own lines stay at Information.
        var lines = service.Output.Split('\n');
        var quieted = lines.Where(l => l.StartsWith("info: Microsoft.AspNetCore.", StringComparison.Ordinal) || l.StartsWith("info: System.Net.Http.HttpClient.", StringComparison.Ordinal)).ToArray();
        Assert.True(quieted.Length == 0, $"{quieted.Length} Information lines that appsettings.json turns off, e.g. {quieted.FirstOrDefault()}\n{service.Output}");
        Assert.Contains(lines, l => l.StartsWith("info: Microsoft.Hosting.Lifetime", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Trim() == $"Content root path: {ServiceProcess.BinaryDirectory(project)}/");
    }

    private async Task<(string[] Arguments, Dictionary<string, string> Environment)> SettingsAsync(string project, string queue, int port, string scratch)
    {
        var aws = WebTierProcess.OnEmulator(emulator.ServiceUrl, queue);
        switch (project)
        {
            case "webtier":
                return ([], new(aws) { ["Auth__Mode"] = "None" });
            case "worker":
                return ([], new(aws)
                {
                    ["Model__Uri"] = RepositoryPaths.SharedFile("models", "mobilenetv2-12-int8.onnx"),
                    ["Model__LabelsUri"] = RepositoryPaths.SharedFile("models", "imagenet_classes.txt"),
                    ["Worker__WaitTimeSeconds"] = "1",
                });
            case "operator":
                // A pool of at most zero workers: the operator polls the queue and starts nothing.
                var pool = Path.Combine(scratch, "pool.yaml");
                await File.WriteAllTextAsync(pool, $$"""
                    apiVersion: imagerec.io/v1alpha1
                    kind: RecognitionPool
                    metadata: { name: appsettings }
                    spec:
                      queue: { url: "{{queue}}", endpoint: "{{emulator.ServiceUrl.ToString().TrimEnd('/')}}" }
                      storage: { inputBucket: imagerec-input, resultBucket: imagerec-results }
                      model: { uri: /models/m.onnx, labelsUri: /models/labels.txt }
                      scaling: { minReplicas: 0, maxReplicas: 0, pollInterval: 1s }
                    """);
                return (["--local", pool, "--Local:WorkerExecutable=/bin/false", $"--Local:WorkerPortBase={port + 1}"], aws);
            default:
                return ([], new()
                {
                    ["Identity__Clients__0__ClientId"] = "imagerec",
                    ["Identity__Clients__0__RedirectUris__0"] = "http://127.0.0.1/",
                });
        }
    }

    /// <summary>Sends a message and waits until a worker has received it (it is in flight then): proof that it polls.</summary>
    private static async Task WaitUntilReceivedAsync(IAmazonSQS sqs, string queue)
    {
        await sqs.SendMessageAsync(queue, "not a job", CancellationToken.None);
        var clock = Stopwatch.StartNew();
        while (await sqs.CountAsync(queue, QueueAttributeName.ApproximateNumberOfMessagesNotVisible) == 0)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "the worker received nothing within 30 s");
            await Task.Delay(100);
        }
    }
}
