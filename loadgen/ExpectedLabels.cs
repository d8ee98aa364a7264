namespace ImageRec.LoadGen;

/// <summary>The expected top-1 answer for one test image.</summary>
public sealed record ExpectedLabel(string File, string Label, int Index);

/// <summary>
/// Reads <c>expected.csv</c> (header <c>file,expected_top1_label,dataset_label,expected_top1_index,…</c>):
/// columns are found by name, so extra or reordered columns are fine. Labels contain no commas or quotes
/// in this file; a quoted field is still unquoted for safety.
/// </summary>
public static class ExpectedLabels
{
    public static IReadOnlyDictionary<string, ExpectedLabel> Parse(TextReader reader)
    {
        var header = reader.ReadLine() ?? throw new FormatException("expected.csv is empty");
        var columns = SplitLine(header);
        int fileColumn = Column(columns, "file"), labelColumn = Column(columns, "expected_top1_label"),
            indexColumn = Column(columns, "expected_top1_index");
        var result = new Dictionary<string, ExpectedLabel>(StringComparer.Ordinal);
        var lineNumber = 1;
        for (var line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var fields = SplitLine(line);
            var needed = Math.Max(fileColumn, Math.Max(labelColumn, indexColumn));
            if (fields.Count <= needed)
                throw new FormatException($"expected.csv line {lineNumber}: {fields.Count} fields, need at least {needed + 1}");
            if (!int.TryParse(fields[indexColumn], System.Globalization.NumberStyles.Integer,
                    System.Globalization.CultureInfo.InvariantCulture, out var index))
                throw new FormatException($"expected.csv line {lineNumber}: '{fields[indexColumn]}' is not a class index");
            var entry = new ExpectedLabel(fields[fileColumn], fields[labelColumn], index);
            result[entry.File] = entry;
        }
        return result;
    }

    public static IReadOnlyDictionary<string, ExpectedLabel> Load(string path)
    {
        using var reader = new StreamReader(path);
        return Parse(reader);
    }

    private static int Column(List<string> columns, string name)
    {
        var index = columns.FindIndex(c => string.Equals(c, name, StringComparison.OrdinalIgnoreCase));
        return index >= 0 ? index : throw new FormatException($"expected.csv has no '{name}' column");
    }

    internal static List<string> SplitLine(string line)
    {
        var fields = new List<string>();
        var current = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"') { current.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else current.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { fields.Add(current.ToString()); current.Clear(); }
            else current.Append(c);
        }
        fields.Add(current.ToString().TrimEnd('\r'));
        return fields;
    }
}
