namespace ImageRec.WebTier.Page;

/// <summary>One file of the page, held in memory with its content type and a strong ETag.</summary>
public sealed record WebPageAsset(string Name, byte[] Content, string ContentType, string ETag);
