namespace ImageRec.Tests.Infrastructure.KubernetesApi;

/// <summary>Who writes (field manager), through which subresource, and whether only as a dry run (dryRun=All).</summary>
public sealed record WriteContext(string Manager, string? Subresource = null, bool DryRun = false);
