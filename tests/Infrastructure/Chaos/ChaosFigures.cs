using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace ImageRec.Tests.Infrastructure.Chaos;

/// <summary>
/// What one chaos scenario measured: jobs, lost and duplicated (goal 0/0, see <see cref="JobLedger"/>),
/// redelivered jobs, seconds from the end of the disruption until the system served again (recovery)
/// and until every job was done (drain), plus scenario-specific counts. Published as one line of test
/// output and as artifacts/chaos/&lt;scenario&gt;.json (what `make chaos` prints), before the test asserts,
/// so a failing run still leaves its figures.
/// </summary>
public sealed class ChaosFigures(string scenario)
{
    public static string Directory => Path.Combine(RepositoryPaths.Root, "artifacts", "chaos");

    private readonly JsonObject _details = new();

    public string Scenario { get; } = scenario;
    public int Jobs { get; set; }
    public int Lost { get; set; }
    public int Duplicated { get; set; }
    public long Redelivered { get; set; }
    public double? RecoverySeconds { get; set; }
    public double? DrainSeconds { get; set; }

    /// <summary>A scenario-specific figure (e.g. uploads answered 503 during the faults).</summary>
    public ChaosFigures Set(string name, JsonNode? value)
    {
        _details[name] = value;
        return this;
    }

    public ChaosFigures From(LedgerAudit audit)
    {
        Jobs = audit.Jobs;
        Lost = audit.Lost.Count;
        Duplicated = audit.Duplicated;
        return this;
    }

    public void Publish(ITestOutputHelper output)
    {
        var json = new JsonObject
        {
            ["scenario"] = Scenario,
            ["jobs"] = Jobs,
            ["lost"] = Lost,
            ["duplicated"] = Duplicated,
            ["redelivered"] = Redelivered,
            ["recoverySeconds"] = Round(RecoverySeconds),
            ["drainSeconds"] = Round(DrainSeconds),
            ["details"] = _details.DeepClone(),
            ["measuredAt"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["processors"] = Environment.ProcessorCount,
        };
        System.IO.Directory.CreateDirectory(Directory);
        File.WriteAllText(Path.Combine(Directory, $"{Scenario}.json"), json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        output.WriteLine($"chaos figures {Scenario}: jobs={Jobs} lost={Lost} duplicated={Duplicated} redelivered={Redelivered} " +
            $"recovery={Format(RecoverySeconds)} drain={Format(DrainSeconds)} {_details.ToJsonString()}");
    }

    private static double? Round(double? seconds) => seconds is { } s ? Math.Round(s, 1) : null;

    private static string Format(double? seconds) => seconds is { } s ? s.ToString("0.0", CultureInfo.InvariantCulture) + "s" : "-";
}
