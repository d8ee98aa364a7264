using ImageRec.WebTier.Auth;

namespace ImageRec.Tests.Auth;

/// <summary>Settings that cannot work are named at start-up, before the web tier serves anything.</summary>
public sealed class AuthOptionsTests
{
    private static AuthOptions Oidc(string authority = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc", bool requireHttps = true) =>
        new() { Mode = "Oidc", Authority = authority, Audience = "api", RequireHttpsMetadata = requireHttps };

    [Fact]
    public void Valid_settings_have_no_problems()
    {
        Assert.Empty(Oidc().Problems());
        Assert.Empty(Oidc("http://127.0.0.1:8082", requireHttps: false).Problems());
        Assert.Empty(new AuthOptions { Mode = "none" }.Problems());
        Assert.Empty(new AuthOptions { Mode = "OIDC", Authority = "https://issuer.example", ClientId = "page" }.Problems());
    }

    public static TheoryData<string, string> Broken() => new()
    {
        { "no mode", "Auth:Mode is not set" },
        { "unknown mode", "it must be Oidc or None" },
        { "no authority", "Auth:Authority must be the issuer's http(s) URL" },
        { "relative authority", "Auth:Authority must be the issuer's http(s) URL" },
        { "http authority", "set Auth:RequireHttpsMetadata=false" },
        { "plain http to a remote host", "only allowed for a loopback authority" },
        { "no audience nor client id", "Set Auth:Audience" },
    };

    [Theory]
    [MemberData(nameof(Broken))]
    public void Broken_settings_say_what_to_fix(string kind, string message)
    {
        var options = kind switch
        {
            "no mode" => new AuthOptions(),
            "unknown mode" => new AuthOptions { Mode = "Basic" },
            "no authority" => Oidc(authority: ""),
            "relative authority" => Oidc(authority: "/issuer"),
            "http authority" => Oidc("http://127.0.0.1:8082"),
            "plain http to a remote host" => Oidc("http://idp.example.com", requireHttps: false),
            "no audience nor client id" => new AuthOptions { Mode = "Oidc", Authority = "https://issuer.example" },
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        Assert.Contains(options.Problems(), problem => problem.Contains(message, StringComparison.Ordinal));
    }
}
