using ImageRec.Tests.Infrastructure;

namespace ImageRec.Tests.BadInput;

/// <summary>
/// docs/bad-input.md shows exactly the table the tests assert. `make bad-input-doc` rewrites it
/// (this test with UPDATE_BAD_INPUT_DOC=1) after the case list changes.
/// </summary>
public sealed class BadInputDocTests
{
    private static string DocPath => Path.Combine(RepositoryPaths.Root, "docs", "bad-input.md");

    [Fact]
    public void The_doc_shows_the_table_the_tests_assert()
    {
        var doc = File.ReadAllText(DocPath);
        int begin = doc.IndexOf(BadInputTable.BeginMarker, StringComparison.Ordinal);
        int end = doc.IndexOf(BadInputTable.EndMarker, StringComparison.Ordinal);
        Assert.True(begin >= 0 && end > begin, $"{DocPath} lacks the {BadInputTable.BeginMarker} … {BadInputTable.EndMarker} markers");

        var current = doc[(begin + BadInputTable.BeginMarker.Length)..end].Trim();
        var expected = BadInputTable.Expected().Trim();
        if (current != expected && Environment.GetEnvironmentVariable("UPDATE_BAD_INPUT_DOC") == "1")
        {
            File.WriteAllText(DocPath, doc[..(begin + BadInputTable.BeginMarker.Length)] + "\n" + expected + "\n" + doc[end..]);
            return;
        }
        Assert.True(current == expected, "docs/bad-input.md is stale: run `make bad-input-doc`");
    }
}
