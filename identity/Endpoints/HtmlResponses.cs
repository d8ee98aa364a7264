namespace ImageRec.LocalIdentity.Endpoints;

/// <summary>HTML answers with the headers every page of the provider carries.</summary>
internal static class HtmlResponses
{
    public static IResult Page(HttpResponse response, string html, int status = StatusCodes.Status200OK)
    {
        response.Headers.ContentSecurityPolicy = SignInPage.ContentSecurityPolicy;
        response.Headers.XFrameOptions = "DENY";
        response.Headers.CacheControl = "no-store";
        return TypedResults.Content(html, "text/html; charset=utf-8", statusCode: status);
    }

    public static IResult Error(HttpResponse response, string text) =>
        Page(response, SignInPage.Message("Sign-in request refused", text), StatusCodes.Status400BadRequest);
}
