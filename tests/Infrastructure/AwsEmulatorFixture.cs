using System.Diagnostics;
using Amazon.DynamoDBv2;
using Amazon.S3;
using Amazon.SQS;
using ImageRec.Common.Aws;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ImageRec.Tests.Infrastructure;

/// <summary>
/// Runs the local AWS emulator (eng/emulator/server.mjs: fauxqs for SQS/S3, dynalite for DynamoDB, installed by <c>make deps</c> into
/// .deps/emulator) for the test classes of the <c>aws-emulator</c> collection.
/// <para>Use: put <c>[Collection(AwsEmulatorCollection.Name)]</c> on the test class and take this
/// fixture in its constructor. Then:</para>
/// <list type="bullet">
/// <item><see cref="ServiceUrl"/>: the emulator endpoint (<c>http://127.0.0.1:PORT/</c>).</item>
/// <item><see cref="Configuration"/>: the <c>Aws:*</c> keys pointing at it (region us-east-1, credentials test/test),
/// to feed <c>services.AddImageRecAws(configuration)</c> in hosts under test.</item>
/// <item><see cref="Services"/>, <see cref="CreateSqsClient"/>, <see cref="CreateS3Client"/>: clients wired through that same DI registration.</item>
/// <item><see cref="UniqueName"/>: queue/bucket names that do not collide between tests (the emulator is shared).</item>
/// </list>
/// The process is killed on dispose (and exits by itself if the test host dies: its stdin closes).
/// </summary>
public sealed class AwsEmulatorFixture : IAsyncLifetime
{
    public const string Region = "us-east-1";
    public const string AccessKeyId = "test";
    public const string SecretAccessKey = "test";

    private static readonly TimeSpan StartupTimeout = TimeSpan.FromSeconds(20);

    private Process? _process;
    private ServiceProvider? _services;

    /// <summary>Emulator endpoint for SQS and S3, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri ServiceUrl { get; private set; } = null!;

    /// <summary>Configuration with <c>Aws:Region</c>, <c>Aws:ServiceUrl</c>, <c>Aws:AccessKeyId</c>, <c>Aws:SecretAccessKey</c> set for the emulator.</summary>
    public IConfiguration Configuration { get; private set; } = null!;

    /// <summary>A provider built with <c>AddImageRecAws(Configuration)</c> (plus logging).</summary>
    public IServiceProvider Services => _services ?? throw new InvalidOperationException("The emulator fixture is not initialised.");

    public IAmazonSQS CreateSqsClient() => Services.GetRequiredService<IAmazonSQS>();

    public IAmazonS3 CreateS3Client() => Services.GetRequiredService<IAmazonS3>();

    /// <summary>A DynamoDB client of the emulator (dynalite); make tables with <see cref="IndexTable.CreateAsync"/>.</summary>
    public IAmazonDynamoDB CreateDynamoDbClient() => Services.GetRequiredService<IAmazonDynamoDB>();

    /// <summary><paramref name="prefix"/> plus a random suffix; valid as a queue or bucket name (lowercase, ≤ 63 chars).</summary>
    public static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(63, prefix.Length + 33)].ToLowerInvariant();

    public async Task InitializeAsync()
    {
        var root = RepositoryPaths.Root;
        var node = Path.Combine(root, ".deps", "emulator", "node_modules", ".bin", "node");
        var server = Path.Combine(root, "eng", "emulator", "server.mjs");
        if (!File.Exists(node) || !Directory.Exists(Path.Combine(root, ".deps", "emulator", "node_modules", "fauxqs")))
        {
            throw new InvalidOperationException(
                $"The SQS/S3 emulator is not installed (missing {Path.Combine(".deps", "emulator")}); run `make deps` in the repository root.");
        }

        var startInfo = new ProcessStartInfo(node)
        {
            WorkingDirectory = root,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add("--no-warnings");
        startInfo.ArgumentList.Add(server);
        startInfo.ArgumentList.Add("0");
        startInfo.Environment["EMULATOR_EXIT_ON_STDIN_CLOSE"] = "1";

        _process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {node}.");
        var stderr = _process.StandardError.ReadToEndAsync();
        ServiceUrl = await WaitForListeningLineAsync(_process, stderr);

        Configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Aws:Region"] = Region,
                ["Aws:ServiceUrl"] = ServiceUrl.ToString(),
                ["Aws:AccessKeyId"] = AccessKeyId,
                ["Aws:SecretAccessKey"] = SecretAccessKey,
            })
            .Build();
        _services = new ServiceCollection().AddLogging().AddImageRecAws(Configuration).BuildServiceProvider();
    }

    public async Task DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }
        if (_process is { } process)
        {
            try
            {
                process.StandardInput.Close();
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }
                await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or IOException)
            {
                // Already gone; nothing left to clean up.
            }
            process.Dispose();
        }
    }

    private static async Task<Uri> WaitForListeningLineAsync(Process process, Task<string> stderr)
    {
        using var timeout = new CancellationTokenSource(StartupTimeout);
        try
        {
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                if (line.StartsWith("listening ", StringComparison.Ordinal))
                {
                    // Keep draining stdout so the emulator never blocks on a full pipe.
                    _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
                    var address = line["listening ".Length..].Trim();
                    return new Uri(address.EndsWith('/') ? address : address + "/");
                }
            }
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The emulator did not print its `listening` line within {StartupTimeout.TotalSeconds} s.");
        }
        throw new InvalidOperationException($"The emulator exited before listening (exit code {process.ExitCode}): {await stderr}");
    }
}
