namespace ImageRec.Tests.Infrastructure;

/// <summary>Locates the repository (and the shared test data beside it) from the test binaries.</summary>
public static class RepositoryPaths
{
    private const string SolutionFileName = "ImageRec.K8s.sln";

    private static readonly Lazy<string> s_root = new(FindRoot);

    /// <summary>The directory that holds <c>ImageRec.K8s.sln</c>.</summary>
    public static string Root => s_root.Value;

    /// <summary>The shared test-data folder, <c>../shared/testdata</c> relative to the repository root.</summary>
    public static string SharedTestData => Path.GetFullPath(Path.Combine(Root, "..", "shared", "testdata"));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, SolutionFileName)))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException(
            $"Could not find {SolutionFileName} above {AppContext.BaseDirectory}; run the tests from a checkout of the repository.");
    }
}
