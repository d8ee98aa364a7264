namespace ImageRec.Tests.Infrastructure.KubernetesApi;

/// <summary>
/// What the server serves right now: the built-in resources plus those of every established CRD.
/// Thread-safe; CRD creation and deletion change it while requests run.
/// </summary>
public sealed class ResourceCatalog
{
    private readonly object _gate = new();
    private List<ResourceType> _types = [.. BuiltInResourceTypes.All];

    public IReadOnlyList<ResourceType> All
    {
        get { lock (_gate) return _types; }
    }

    public ResourceType? Find(string group, string version, string plural) =>
        All.FirstOrDefault(t => t.Group == group && t.Version == version && t.Plural == plural);

    /// <summary>Any served version of a stored resource (for garbage collection and events that outlive their request).</summary>
    public ResourceType? FindStorage(string group, string plural) =>
        All.FirstOrDefault(t => t.Group == group && t.Plural == plural);

    public bool IsGroupVersionServed(string group, string version) => All.Any(t => t.Group == group && t.Version == version);

    /// <summary>Replaces whatever the named CRD defined before with <paramref name="types"/>.</summary>
    public void SetCrdTypes(string crdName, IEnumerable<ResourceType> types)
    {
        lock (_gate)
            _types = [.. _types.Where(t => t.DefinedByCrd != crdName), .. types];
    }

    public void RemoveCrdTypes(string crdName) => SetCrdTypes(crdName, []);

    /// <summary>Group-versions in discovery order: the legacy core group first, then named groups by first appearance.</summary>
    public IReadOnlyList<(string Group, IReadOnlyList<string> Versions)> Groups()
    {
        var result = new List<(string, IReadOnlyList<string>)>();
        foreach (var group in All.Select(t => t.Group).Distinct())
            result.Add((group, All.Where(t => t.Group == group).Select(t => t.Version).Distinct().ToList()));
        return result;
    }
}
