namespace ImageRec.Tests.Chaos;

/// <summary>
/// The chaos tests each start and disrupt a stack of their own (<see cref="Infrastructure.Chaos.ChaosStackFixture"/>
/// as a class fixture); in one collection they run one after another, so at most one chaos stack
/// competes with the rest of the suite for the machine's cores.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ChaosCollection
{
    public const string Name = "chaos";
}
