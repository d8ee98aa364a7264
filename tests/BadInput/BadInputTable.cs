using System.Text;
using ImageRec.Common.Contracts;

namespace ImageRec.Tests.BadInput;

/// <summary>The bad-input table as markdown: the expected one for docs/bad-input.md, or what a test run saw, for artifacts/.</summary>
public static class BadInputTable
{
    public const string BeginMarker = "<!-- BAD-INPUT-TABLE:BEGIN -->";
    public const string EndMarker = "<!-- BAD-INPUT-TABLE:END -->";

    /// <summary>One row: the case and what came (or must come) of it over HTTP and at the worker alone.</summary>
    public sealed record Row(BadInputCase Case, Outcome OverHttp, Classified? AtWorker);

    public static string Expected() => Render(BadInputCases.All.Select(c => new Row(c, c.OverHttp, c.AtWorker)));

    public static string Render(IEnumerable<Row> rows)
    {
        var table = new StringBuilder()
            .AppendLine("| # | Group | Case | Sent as | Web tier answers | Same bytes straight to a worker |")
            .AppendLine("|---|---|---|---|---|---|");
        int n = 0;
        foreach (var row in rows)
            table.AppendLine($"| {++n} | {row.Case.Group} | {row.Case.Name} | {SentAs(row.Case)} | {OverHttp(row.OverHttp)} | {AtWorker(row.AtWorker)} |");
        return table.ToString();
    }

    private static string SentAs(BadInputCase c) => c.Delivery switch
    {
        Delivery.JsonBody => "JSON body",
        Delivery.OtherField => $"`{c.FileName}` in field `picture`",
        _ => $"`{c.FileName}`, {c.ContentType}",
    };

    private static string OverHttp(Outcome outcome) => outcome switch
    {
        Refused r => $"**{r.Status}** `{r.Reason}`",
        Classified c => $"**200** {Result(c)}",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome)),
    };

    private static string AtWorker(Classified? outcome) => outcome is null ? "–" : Result(outcome);

    private static string Result(Classified c) => c.Status switch
    {
        JobStatus.Succeeded => c.Top1 is null ? "succeeded" : $"succeeded, top-1 *{c.Top1}*",
        JobStatus.Failed => $"failed `{c.Reason}`",
        _ => c.Status.ToString().ToLowerInvariant(),
    };
}
