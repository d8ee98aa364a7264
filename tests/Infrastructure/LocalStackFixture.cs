using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Amazon.SQS;
using ImageRec.LoadGen;
using ImageRec.Tests.Infrastructure.Chaos;
using Microsoft.Extensions.DependencyInjection;

namespace ImageRec.Tests.Infrastructure;

/// <summary>
/// The stack `make run` starts (emulator, operator in local mode with its workers, web tier), started through the same script
/// (eng/run-local.sh) on free ports, shared by the tests of the "local-stack" collection and stopped
/// with SIGTERM — the way Ctrl-C stops it — when they are done.
/// <para>Sign-in is on, as in `make run`: <see cref="Http"/> carries a token of <see cref="DefaultUser"/>;
/// <see cref="ClientForAsync"/> gives a client signed in as someone else.</para>
/// </summary>
public class LocalStackFixture : IAsyncLifetime
{
    /// <summary>The pool's minimum (WORKERS); the operator may scale up to <see cref="MaxWorkers"/>.</summary>
    public const int Workers = 2;
    public const int MaxWorkers = 4;
    public const string DefaultUser = "test-user";
    public const string RequestQueue = "imagerec-requests";
    public const string DeadLetterQueue = "imagerec-requests-dlq";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    private Process? _process;
    private readonly StringBuilder _output = new();
    /// <summary>SQS and S3 clients of the emulator itself, past any proxy the services go through.</summary>
    private readonly Lazy<ServiceProvider> _emulatorClients;

    public LocalStackFixture() => _emulatorClients = new(() => AwsClients.For(Emulator));

    public Uri WebTier { get; private set; } = null!;
    public Uri Emulator { get; private set; } = null!;
    public Uri Operator { get; private set; } = null!;

    /// <summary>The local OpenID provider's issuer, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string Identity { get; private set; } = null!;
    public int FirstWorkerPort { get; private set; }
    public string RunDirectory { get; } = Path.Combine(Path.GetTempPath(), "imagerec-stack-" + Guid.NewGuid().ToString("N")[..8]);
    /// <summary>Signed in as <see cref="DefaultUser"/>.</summary>
    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(60) };

    public string Output { get { lock (_output) return _output.ToString(); } }

    public async Task InitializeAsync()
    {
        var webPort = FreePorts.One();
        var emulatorPort = FreePorts.One();
        var operatorPort = FreePorts.One();
        var identityPort = FreePorts.One();
        FirstWorkerPort = FreePorts.Range(MaxWorkers);
        Operator = new Uri($"http://127.0.0.1:{operatorPort}/");
        WebTier = new Uri($"http://127.0.0.1:{webPort}/");
        Emulator = new Uri($"http://127.0.0.1:{emulatorPort}/");
        Identity = $"http://127.0.0.1:{identityPort}";

        var start = new ProcessStartInfo("bash", [Path.Combine(RepositoryPaths.Root, "eng", "run-local.sh")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepositoryPaths.Root,
        };
        start.Environment["PORT"] = webPort.ToString();
        start.Environment["EMULATOR_PORT"] = emulatorPort.ToString();
        start.Environment["WORKER_METRICS_PORT"] = FirstWorkerPort.ToString();
        start.Environment["WORKERS"] = Workers.ToString();
        start.Environment["MAX_WORKERS"] = MaxWorkers.ToString();
        start.Environment["OPERATOR_PORT"] = operatorPort.ToString();
        start.Environment["IDENTITY_PORT"] = identityPort.ToString();
        start.Environment["AUTH"] = "oidc";
        start.Environment["SHARED_DIR"] = RepositoryPaths.Shared;
        start.Environment["CONFIGURATION"] = RepositoryPaths.Configuration;
        start.Environment["RUN_DIR"] = RunDirectory;
        await ConfigureAsync(start.Environment);

        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => { Append(e.Data); if (e.Data == "ready") ready.TrySetResult(); };
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException($"the local stack exited during start-up:\n{Output}\n{Logs()}"));
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        try
        {
            await ready.Task.WaitAsync(StartTimeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"the local stack was not ready within {StartTimeout}:\n{Output}\n{Logs()}");
        }
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenForAsync(DefaultUser));
    }

    /// <summary>An access token for <paramref name="user"/> from the stack's OpenID provider (password grant).</summary>
    public async Task<string> TokenForAsync(string user)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        return await SignIn.PasswordGrantAsync(http, WebTier, user, CancellationToken.None)
            ?? throw new InvalidOperationException("the local stack runs without sign-in");
    }

    /// <summary>A client signed in as <paramref name="user"/>; dispose it.</summary>
    public async Task<HttpClient> ClientForAsync(string user) => new()
    {
        Timeout = TimeSpan.FromSeconds(60),
        DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", await TokenForAsync(user)) },
    };

    /// <summary>
    /// Settings for one more web tier on this stack's queues and buckets, signed in against its OpenID
    /// provider as the stack's own is; through <paramref name="awsEndpoint"/> (e.g. a fault proxy) when given.
    /// </summary>
    public Dictionary<string, string> WebTierSettings(Uri? awsEndpoint = null) => new(WebTierProcess.OnEmulator(awsEndpoint ?? Emulator, "imagerec-requests"))
    {
        ["Auth__Mode"] = "Oidc",
        ["Auth__Authority"] = Identity,
        ["Auth__Audience"] = "imagerec",
        ["Auth__RequireHttpsMetadata"] = "false",
    };

    /// <summary>Messages in a queue as the emulator counts them: waiting, being worked on, delayed.</summary>
    public async Task<(long Visible, long InFlight, long Delayed)> QueueDepthAsync(string queueName)
    {
        var sqs = _emulatorClients.Value.GetRequiredService<IAmazonSQS>();
        var url = (await sqs.GetQueueUrlAsync(queueName, CancellationToken.None)).QueueUrl;
        var attributes = (await sqs.GetQueueAttributesAsync(url, [QueueAttributeName.ApproximateNumberOfMessages,
            QueueAttributeName.ApproximateNumberOfMessagesNotVisible, QueueAttributeName.ApproximateNumberOfMessagesDelayed], CancellationToken.None)).Attributes;
        // A counter missing from the answer fails the test rather than reading as an empty queue.
        long Count(string name) => long.Parse(attributes[name], CultureInfo.InvariantCulture);
        return (Count(QueueAttributeName.ApproximateNumberOfMessages), Count(QueueAttributeName.ApproximateNumberOfMessagesNotVisible),
            Count(QueueAttributeName.ApproximateNumberOfMessagesDelayed));
    }

    /// <summary>Waits up to 30 s for a queue to hold nothing; returns its depth then.</summary>
    public async Task<(long Visible, long InFlight, long Delayed)> WaitForEmptyQueueAsync(string queueName)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var depth = await QueueDepthAsync(queueName);
            if (depth == (0, 0, 0) || deadline.Elapsed > TimeSpan.FromSeconds(30)) return depth;
            await Task.Delay(200);
        }
    }

    /// <summary>Where a derived stack adds settings for eng/run-local.sh; the addresses above are chosen by then.</summary>
    protected virtual Task ConfigureAsync(IDictionary<string, string?> environment) => Task.CompletedTask;

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    /// <summary>The services' log files, for failure messages.</summary>
    public string Logs()
    {
        var logs = Path.Combine(RunDirectory, "logs");
        if (!Directory.Exists(logs)) return "(no logs)";
        return string.Join("\n", Directory.EnumerateFiles(logs).Order().Select(f =>
        {
            var lines = File.ReadAllLines(f);
            return $"--- {Path.GetFileName(f)} (last 40 lines)\n" + string.Join("\n", lines.TakeLast(40));
        }));
    }

    public virtual async Task DisposeAsync()
    {
        Http.Dispose();
        if (_emulatorClients.IsValueCreated) await _emulatorClients.Value.DisposeAsync();
        if (_process is null) return;
        if (!_process.HasExited)
        {
            ProcessSignals.Send(_process.Id, ProcessSignals.SigTerm);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        _process.Dispose();
        try { Directory.Delete(RunDirectory, recursive: true); } catch (IOException) { }
    }
}

[CollectionDefinition(Name)]
public sealed class LocalStackCollection : ICollectionFixture<LocalStackFixture>
{
    public const string Name = "local-stack";
}
