namespace ImageRec.Common.Configuration;

/// <summary>Buckets for uploaded images and for results. Section <c>Storage</c>.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>Uploaded images, stored as <c>{owner}/{id}</c>.</summary>
    public string InputBucket { get; set; } = "imagerec-input";

    /// <summary>Results, stored as <c>{owner}/{id}.json</c>.</summary>
    public string ResultBucket { get; set; } = "imagerec-results";

    public static string InputKey(string owner, string id) => $"{owner}/{id}";

    public static string ResultKey(string owner, string id) => $"{owner}/{id}.json";
}
