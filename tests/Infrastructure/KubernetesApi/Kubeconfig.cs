namespace ImageRec.Tests.Infrastructure.KubernetesApi;

/// <summary>A kubeconfig for kubectl: one cluster (https on loopback, its CA inline), one user with a bearer token, one context.</summary>
public static class Kubeconfig
{
    public static string Render(Uri server, string certificateAuthorityPem, string token, string? ns) =>
        $$"""
        apiVersion: v1
        kind: Config
        clusters:
        - name: imagerec-test
          cluster:
            server: {{server.GetLeftPart(UriPartial.Authority)}}
            certificate-authority-data: {{Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(certificateAuthorityPem))}}
        users:
        - name: imagerec-test-user
          user:
            token: {{token}}
        contexts:
        - name: imagerec-test
          context:
            cluster: imagerec-test
            user: imagerec-test-user
            namespace: {{ns ?? "default"}}
        current-context: imagerec-test
        preferences: {}

        """;
}
