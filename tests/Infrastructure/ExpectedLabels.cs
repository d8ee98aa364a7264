using System.Globalization;

namespace ImageRec.Tests.Infrastructure;

/// <summary>One row of ../shared/testdata/images/expected.csv: the reference top-1 of a test image.</summary>
public sealed record ExpectedLabel(string File, string Label, int Index, IReadOnlyList<int> Top5)
{
    public static IReadOnlyList<ExpectedLabel> Load()
    {
        var lines = System.IO.File.ReadAllLines(RepositoryPaths.SharedFile("testdata", "images", "expected.csv"));
        var header = lines[0].Split(',');
        int Column(string name) => Array.IndexOf(header, name) is var i and >= 0 ? i : throw new FormatException($"expected.csv has no column {name}");
        int file = Column("file"), label = Column("expected_top1_label"), index = Column("expected_top1_index"), top5 = Column("reference_top5_indices");
        return lines.Skip(1).Where(l => l.Length > 0).Select(line =>
        {
            var cells = line.Split(',');
            return new ExpectedLabel(cells[file], cells[label], int.Parse(cells[index], CultureInfo.InvariantCulture),
                cells[top5].Split(';').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray());
        }).ToArray();
    }
}
