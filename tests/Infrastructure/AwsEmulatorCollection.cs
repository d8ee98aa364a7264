namespace ImageRec.Tests.Infrastructure;

/// <summary>Test classes that share one emulator process: <c>[Collection(AwsEmulatorCollection.Name)]</c>.</summary>
[CollectionDefinition(Name)]
public sealed class AwsEmulatorCollection : ICollectionFixture<AwsEmulatorFixture>
{
    public const string Name = "aws-emulator";
}
