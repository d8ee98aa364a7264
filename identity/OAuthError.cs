namespace ImageRec.LocalIdentity;

/// <summary>An error of the token or userinfo endpoint (RFC 6749 §5.2): a code from the RFC and a sentence.</summary>
public sealed record OAuthError(string Error, string ErrorDescription)
{
    public IResult ToResult(int status = StatusCodes.Status400BadRequest) => TypedResults.Json(this, statusCode: status);
}
