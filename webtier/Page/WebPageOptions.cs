namespace ImageRec.WebTier.Page;

/// <summary>Settings of the web page served on <c>GET /</c>. Section <c>WebPage</c>.</summary>
public sealed class WebPageOptions
{
    public const string Section = "WebPage";

    /// <summary>
    /// Origins besides the web tier's own that the page may call (Content-Security-Policy
    /// <c>connect-src</c>), e.g. the OpenID provider whose discovery document and token endpoint
    /// the page's sign-in reads.
    /// </summary>
    public List<string> ConnectSources { get; set; } = [];
}
