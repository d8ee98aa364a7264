using ImageRec.LocalIdentity;

namespace ImageRec.Tests.Auth;

/// <summary>Exact redirect URIs (RFC 6749 §3.1.2.2), and loopback ones on any port (RFC 8252 §7.3).</summary>
public sealed class RedirectUriMatchTests
{
    [Theory]
    [InlineData("https://app.example/cb", "https://app.example/cb", true)]
    [InlineData("https://app.example/cb", "https://app.example/cb/", false)]
    [InlineData("https://app.example/cb", "https://app.example:8443/cb", false)]
    [InlineData("https://app.example/cb", "https://app.example/cb?x=1", false)]
    [InlineData("http://127.0.0.1/", "http://127.0.0.1:8080/", true)]
    [InlineData("http://127.0.0.1/", "http://127.0.0.1:51234/", true)]
    [InlineData("http://localhost/", "http://localhost:8080/", true)]
    [InlineData("http://[::1]/", "http://[::1]:8080/", true)]
    [InlineData("http://127.0.0.1/", "http://127.0.0.1:8080/other", false)]
    [InlineData("http://127.0.0.1/", "http://localhost:8080/", false)]
    [InlineData("http://127.0.0.1/", "https://127.0.0.1:8080/", false)]
    [InlineData("http://127.0.0.1/", "http://127.0.0.1.evil.example:8080/", false)]
    [InlineData("http://127.0.0.1/", "http://user@127.0.0.1:8080/", false)]
    [InlineData("http://127.0.0.1/", "http://127.0.0.1:8080/#fragment", false)]
    [InlineData("https://app.example/", "https://app.example:9999/", false)]
    public void Registered_redirect_uris_match(string registered, string requested, bool matches) =>
        Assert.Equal(matches, RedirectUriMatch.Matches(registered, requested));
}
