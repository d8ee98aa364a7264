namespace ImageRec.Benchmarks;

/// <summary>Where the repository and ../shared (models, test images) are, wherever the benches run from.</summary>
internal static class BenchPaths
{
    public const string RepoRootVariable = "IMAGEREC_REPO_ROOT";

    /// <summary>
    /// The folder holding ImageRec.K8s.sln: from <see cref="RepoRootVariable"/> when set, else found by
    /// walking up from the application folder, then from the current directory.
    /// </summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary><c>SHARED_DIR</c> (the Makefile exports it) or <c>../shared</c> beside the repository.</summary>
    public static string SharedDir { get; } =
        Environment.GetEnvironmentVariable("SHARED_DIR") is { Length: > 0 } shared
            ? Path.GetFullPath(shared)
            : Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared"));

    public static string TestImage(string name) => Require(Path.Combine(SharedDir, "testdata", "images", name));

    public static string Model => Require(Path.Combine(SharedDir, "models", "mobilenetv2-12-int8.onnx"));

    private static string Require(string path) =>
        File.Exists(path) ? path : throw new FileNotFoundException(
            $"{path} is missing (set SHARED_DIR to the folder with models/ and testdata/; see README, 'Model files').", path);

    private static string FindRepoRoot()
    {
        if (Environment.GetEnvironmentVariable(RepoRootVariable) is { Length: > 0 } fromEnv)
            return fromEnv;
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "ImageRec.K8s.sln")))
                    return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException(
            $"ImageRec.K8s.sln not found above {AppContext.BaseDirectory} or {Environment.CurrentDirectory}; set {RepoRootVariable}.");
    }
}
