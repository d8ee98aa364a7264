namespace ImageRec.Tests.Infrastructure;

/// <summary>Where the repository and the shared data beside it (../shared) are, seen from a test.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>../shared next to the repository, or SHARED_DIR when set.</summary>
    public static string Shared { get; } =
        Environment.GetEnvironmentVariable("SHARED_DIR") is { Length: > 0 } dir ? dir : Path.GetFullPath(Path.Combine(Root, "..", "shared"));

    public static string Models => Path.Combine(Shared, "models");
    public static string SharedTestData => Path.Combine(Shared, "testdata");
    public static string TestImages => Path.Combine(Shared, "testdata", "images");

    /// <summary>The build configuration these tests were built in (Debug or Release), so we start matching binaries.</summary>
    public static string Configuration { get; } =
        new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent?.Name ?? "Release";

    /// <summary>A file from ../shared, or a failure that says which file to put where.</summary>
    public static string SharedFile(params string[] parts)
    {
        var path = Path.Combine([Shared, .. parts]);
        if (!File.Exists(path))
            throw new FileNotFoundException($"Test data missing: put {Path.Combine(parts)} into {Shared} (the project's shared data folder, ../shared beside the repository).", path);
        return path;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ImageRec.K8s.sln"))) return dir.FullName;
        throw new InvalidOperationException("Cannot find the repository root (ImageRec.K8s.sln) above " + AppContext.BaseDirectory);
    }
}
