using System.Net;
using System.Net.Http.Headers;

namespace ImageRec.Operator.Kubernetes;

/// <summary>
/// Adds <c>Authorization: Bearer</c> from the credential source. On a 401 it asks the source for fresh
/// credentials and tries once more: a rotated service-account token or an exec plugin's token can expire
/// before we notice.
/// </summary>
public sealed class KubernetesAuthenticationHandler(IKubernetesCredentialSource credentials) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var current = await credentials.GetCredentialsAsync(cancellationToken).ConfigureAwait(false);
        Authorize(request, current);
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Unauthorized || current.Token is null)
        {
            return response;
        }

        credentials.Invalidate();
        var renewed = await credentials.GetCredentialsAsync(cancellationToken).ConfigureAwait(false);
        if (renewed.Token == current.Token)
        {
            return response;
        }

        // Request bodies are buffered (ByteArrayContent), so the same message can be sent again.
        response.Dispose();
        Authorize(request, renewed);
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private static void Authorize(HttpRequestMessage request, KubernetesCredentials credentials) =>
        request.Headers.Authorization = credentials.Token is null ? null : new AuthenticationHeaderValue("Bearer", credentials.Token);
}
