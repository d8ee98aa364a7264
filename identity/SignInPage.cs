using System.Text;
using System.Text.Encodings.Web;

namespace ImageRec.LocalIdentity;

/// <summary>The provider's HTML: the sign-in form (the authorization request rides along in hidden fields) and message pages.</summary>
public static class SignInPage
{
    /// <summary>No scripts, no framing (clickjacking), styles inline only.</summary>
    public const string ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";

    private const string Style =
        "body{font-family:system-ui,sans-serif;max-width:24rem;margin:4rem auto;padding:0 1rem}" +
        "label{display:block;margin:.8rem 0 .2rem}input{width:100%;padding:.4rem;box-sizing:border-box}" +
        "button{margin-top:1rem;padding:.5rem 1.2rem}.error{color:#b00020}.note{color:#555;font-size:.9rem}";

    public static string Form(AuthorizationRequest request, bool askPassword, string? error, string? username)
    {
        var html = new StringBuilder();
        html.Append("<h1>Sign in</h1>");
        html.Append($"<p class=\"note\">to <b>{Encode(request.ClientId)}</b> with the local ImageRec identity provider.</p>");
        if (error is not null) html.Append($"<p class=\"error\" role=\"alert\">{Encode(error)}</p>");
        html.Append("<form method=\"post\" action=\"authorize\">");
        foreach (var (name, value) in request.Fields)
            if (value is not null) html.Append($"<input type=\"hidden\" name=\"{name}\" value=\"{Encode(value)}\">");
        html.Append($"<label for=\"username\">User name</label><input id=\"username\" name=\"username\" autocomplete=\"username\" required autofocus value=\"{Encode(username)}\">");
        if (askPassword)
            html.Append("<label for=\"password\">Password</label><input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required>");
        html.Append("<button type=\"submit\">Sign in</button></form>");
        html.Append($"<p class=\"note\">Local development provider: any user name ({LocalUser.NameRule}) signs in{(askPassword ? " with the shared local password" : "")}.</p>");
        return Page("Sign in", html.ToString());
    }

    public static string Message(string title, string text) => Page(title, $"<h1>{Encode(title)}</h1><p>{Encode(text)}</p>");

    private static string Page(string title, string body) =>
        $"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">" +
        $"<title>{Encode(title)} · ImageRec local identity</title><style>{Style}</style></head><body>{body}</body></html>";

    private static string Encode(string? value) => HtmlEncoder.Default.Encode(value ?? "");
}
