using System.Diagnostics;
using System.Text.RegularExpressions;
using ImageRec.Tests.Infrastructure;

namespace ImageRec.Tests.Chart;

/// <summary>The Dockerfiles parse, copy paths that exist, end non-root without build tools, and build where Docker is present.</summary>
public partial class DockerfileTests
{
    private static readonly string[] AllDockerfiles = ["webtier/Dockerfile", "worker/Dockerfile", "worker/Dockerfile.gpu", "operator/Dockerfile"];

    public static TheoryData<string> Dockerfiles() => new(AllDockerfiles);

    private static readonly HashSet<string> Instructions =
        ["FROM", "RUN", "COPY", "ADD", "ENV", "ARG", "WORKDIR", "USER", "EXPOSE", "ENTRYPOINT", "CMD", "LABEL", "HEALTHCHECK", "SHELL", "VOLUME", "STOPSIGNAL"];

    /// <summary>(instruction, arguments) with comments dropped and continuation lines joined.</summary>
    private static List<(string Instruction, string Arguments)> Parse(string path)
    {
        var result = new List<(string, string)>();
        var pending = "";
        foreach (var raw in File.ReadAllLines(Path.Combine(RepositoryPaths.Root, path)))
        {
            var line = raw.TrimEnd();
            if (pending == "" && (line.TrimStart().StartsWith('#') || line.Trim() == "")) continue;
            if (line.EndsWith('\\')) { pending += line[..^1] + " "; continue; }
            var full = (pending + line).Trim();
            pending = "";
            var space = full.IndexOf(' ');
            result.Add((full[..space].ToUpperInvariant(), full[(space + 1)..].Trim()));
        }
        Assert.True(pending == "", $"{path}: dangling line continuation");
        return result;
    }

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public void Parses_into_known_instructions_with_a_multi_stage_build(string dockerfile)
    {
        var instructions = Parse(dockerfile);
        Assert.All(instructions, i => Assert.Contains(i.Instruction, Instructions));
        Assert.Equal("FROM", instructions[0].Instruction);
        Assert.Contains(instructions, i => i.Instruction == "FROM" && i.Arguments.Contains("dotnet/sdk:10.0") && i.Arguments.EndsWith(" AS build"));
        Assert.Contains(instructions, i => i.Instruction == "RUN" && i.Arguments.Contains("dotnet publish") && i.Arguments.Contains("-c Release"));
    }

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public void Every_COPY_source_exists_in_the_build_context(string dockerfile)
    {
        var ignored = File.ReadAllLines(Path.Combine(RepositoryPaths.Root, ".dockerignore"))
            .Where(l => l.Trim() is { Length: > 0 } t && !t.StartsWith('#')).Select(l => l.Trim()).ToList();
        foreach (var (_, arguments) in Parse(dockerfile).Where(i => i.Instruction is "COPY" or "ADD"))
        {
            if (arguments.StartsWith("--from=")) continue;
            var parts = arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(p => !p.StartsWith("--")).ToArray();
            foreach (var source in parts[..^1])
            {
                var path = Path.Combine(RepositoryPaths.Root, source.TrimEnd('/'));
                Assert.True(File.Exists(path) || Directory.Exists(path), $"{dockerfile}: COPY source '{source}' does not exist");
                Assert.DoesNotContain(source.TrimEnd('/'), ignored);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public void The_final_stage_runs_as_65532_without_the_SDK(string dockerfile)
    {
        var instructions = Parse(dockerfile);
        var finalStage = instructions.Skip(instructions.FindLastIndex(i => i.Instruction == "FROM")).ToList();
        Assert.DoesNotContain("dotnet/sdk", finalStage[0].Arguments);
        Assert.Equal("65532:65532", finalStage.Last(i => i.Instruction == "USER").Arguments);
        Assert.DoesNotContain(finalStage, i => i.Instruction == "RUN" && BuildTool().IsMatch(i.Arguments));
        Assert.Contains(finalStage, i => i.Instruction == "ENTRYPOINT");
    }

    [Fact]
    public void The_GPU_worker_uses_CUDA_13_with_cuDNN_9_and_the_GPU_ONNX_Runtime_package()
    {
        var instructions = Parse("worker/Dockerfile.gpu");
        Assert.Matches(@"^nvidia/cuda:13\.\d+\.\d+-cudnn-runtime-ubuntu24\.04$", instructions.Last(i => i.Instruction == "FROM").Arguments);
        Assert.Contains(instructions, i => i.Instruction == "RUN" && i.Arguments.Contains("dotnet publish") && i.Arguments.Contains("-p:OnnxRuntimeFlavor=Gpu"));
    }

    [Theory]
    [InlineData("worker/Dockerfile")]
    [InlineData("worker/Dockerfile.gpu")]
    public void The_worker_images_take_ONNX_Runtime_from_NuGet_not_npm(string dockerfile)
    {
        var runs = Parse(dockerfile).Where(i => i.Instruction == "RUN").Select(i => i.Arguments).ToList();
        Assert.DoesNotContain(runs, run => Npm().IsMatch(run));
        Assert.DoesNotContain(runs, run => run.Contains("eng/deps.sh"));
    }

    [Fact]
    public void The_worker_images_install_the_decoders()
    {
        foreach (var file in new[] { "worker/Dockerfile", "worker/Dockerfile.gpu" })
        {
            var text = File.ReadAllText(Path.Combine(RepositoryPaths.Root, file));
            var final = text[text.LastIndexOf("\nFROM ", StringComparison.Ordinal)..];
            foreach (var library in new[] { "libturbojpeg", "libpng16-16", "libwebp7" }) Assert.Contains(library, final);
        }
    }

    [FactWhenDockerAvailable]
    public void Each_image_builds()
    {
        foreach (var dockerfile in AllDockerfiles)
        {
            using var process = Process.Start(new ProcessStartInfo("docker", $"build -q -f {dockerfile} .") { WorkingDirectory = RepositoryPaths.Root })!;
            Assert.True(process.WaitForExit(TimeSpan.FromMinutes(20)), $"{dockerfile}: docker build timed out");
            Assert.True(process.ExitCode == 0, $"{dockerfile}: docker build failed");
        }
    }

    [GeneratedRegex(@"\b(npm|npx|nodejs|onnxruntime-node)\b")]
    private static partial Regex Npm();

    [GeneratedRegex(@"\b(dotnet-sdk|build-essential|gcc|g\+\+|make|nodejs|npm)\b")]
    private static partial Regex BuildTool();
}
