using System.Diagnostics;
using System.Text;
using ImageRec.Tests.Infrastructure.KubernetesApi;

namespace ImageRec.Tests.KubernetesApi;

/// <summary>
/// Runs the real kubectl against the API double: its own kubeconfig and cache directory in a temporary folder
/// (so no user configuration or stale discovery cache leaks in), a timeout per command.
/// </summary>
public sealed class Kubectl : IDisposable
{
    public const string Path = "/usr/bin/kubectl";
    private readonly string _folder = Directory.CreateTempSubdirectory("kubectl-double-").FullName;
    private readonly string _kubeconfig;

    public Kubectl(KubernetesApiServer server, string? token = null, string ns = "default") =>
        _kubeconfig = server.WriteKubeconfig(System.IO.Path.Combine(_folder, "kubeconfig"), token, ns);

    public static bool IsInstalled => File.Exists(Path);

    public string WriteFile(string name, string content)
    {
        var file = System.IO.Path.Combine(_folder, name);
        File.WriteAllText(file, content);
        return file;
    }

    public async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        using var process = Process.Start(StartInfo(args))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try { await process.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"kubectl {string.Join(' ', args)} did not finish in 20 s");
        }
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Runs kubectl and fails the test, with its stderr, unless it exits 0.</summary>
    public async Task<string> SucceedAsync(params string[] args)
    {
        var (code, stdout, stderr) = await RunAsync(args);
        Assert.True(code == 0, $"kubectl {string.Join(' ', args)} exited {code}: {stderr}");
        return stdout;
    }

    /// <summary>Starts a long-running kubectl (get -w) whose stdout collects in the returned builder.</summary>
    public (Process Process, StringBuilder Output) Start(params string[] args)
    {
        var output = new StringBuilder();
        var process = new Process { StartInfo = StartInfo(args) };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine("stderr: " + e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return (process, output);
    }

    private ProcessStartInfo StartInfo(string[] args)
    {
        var info = new ProcessStartInfo(Path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("--kubeconfig");
        info.ArgumentList.Add(_kubeconfig);
        info.ArgumentList.Add("--cache-dir");
        info.ArgumentList.Add(System.IO.Path.Combine(_folder, "cache"));
        foreach (var arg in args) info.ArgumentList.Add(arg);
        info.Environment.Remove("KUBECONFIG");
        info.Environment["HOME"] = _folder;
        return info;
    }

    public void Dispose()
    {
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}

/// <summary>A fact that needs the real kubectl; skipped, saying why, where it is not installed.</summary>
public sealed class KubectlFactAttribute : FactAttribute
{
    public KubectlFactAttribute()
    {
        if (!Kubectl.IsInstalled) Skip = $"kubectl is not installed at {Kubectl.Path}; these tests prove the API double against the real client.";
    }
}
