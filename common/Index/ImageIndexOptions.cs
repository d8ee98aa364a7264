namespace ImageRec.Common.Index;

/// <summary>The DynamoDB table of users' images (<see cref="ImageIndex"/>). Section <c>Index</c>.</summary>
public sealed class ImageIndexOptions
{
    public const string Section = "Index";

    /// <summary>
    /// The table, created from deploy/eks/image-index-table.json (<c>make run</c> and the tests create it in the
    /// local emulator; on EKS, <c>aws dynamodb create-table</c>, see deploy/eks/README.md).
    /// </summary>
    public string TableName { get; set; } = "imagerec-images";
}
