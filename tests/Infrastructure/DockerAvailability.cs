using System.Diagnostics;

namespace ImageRec.Tests.Infrastructure;

/// <summary>Whether a Docker engine can be used here, and if not, why.</summary>
public static class DockerAvailability
{
    private static readonly Lazy<string?> DockerMissingReason = new(() =>
        Run("docker", "info") switch
        {
            null => "Docker is not installed (no `docker` command)",
            (0, _) => null,
            (_, var output) => "`docker info` failed, no Docker engine reachable: " + output.Trim().Split('\n').LastOrDefault(),
        });

    /// <summary>Null when Docker works; otherwise the reason it does not.</summary>
    public static string? WhyNoDocker => DockerMissingReason.Value;

    private static (int ExitCode, string Output)? Run(string command, string arguments)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(command, arguments) { RedirectStandardOutput = true, RedirectStandardError = true });
            if (process is null) return null;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(20))) { process.Kill(true); return (-1, "timed out"); }
            return (process.ExitCode, output.Result + error.Result);
        }
        catch (System.ComponentModel.Win32Exception) { return null; }
    }
}

/// <summary>A fact that is skipped, saying why, where no Docker engine is reachable.</summary>
public sealed class FactWhenDockerAvailableAttribute : FactAttribute
{
    public FactWhenDockerAvailableAttribute()
    {
        if (DockerAvailability.WhyNoDocker is { } reason) Skip = reason;
    }
}
