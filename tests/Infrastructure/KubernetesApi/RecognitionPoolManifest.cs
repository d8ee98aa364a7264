namespace ImageRec.Tests.Infrastructure.KubernetesApi;

/// <summary>
/// A RecognitionPool as a user writes it, for tests that create pools in the API double: the queue, made-up
/// buckets and model (nothing in those tests reads them), and the scaling block the test asks for. YAML, as
/// kubectl would send it, so tests do not depend on the operator's own C# types.
/// </summary>
public static class RecognitionPoolManifest
{
    /// <param name="scaling">The spec.scaling value, e.g. <c>{minReplicas: 1, maxReplicas: 6}</c>.</param>
    /// <param name="queueEndpoint">spec.queue.endpoint (an emulator), or null for none.</param>
    /// <param name="extraSpec">More spec lines, indented two spaces.</param>
    public static string Yaml(string name, string queueUrl, string scaling, string? queueEndpoint = null, string extraSpec = "") => $$"""
        apiVersion: imagerec.io/v1alpha1
        kind: RecognitionPool
        metadata:
          name: {{name}}
        spec:
          queue:
            url: {{queueUrl}}{{(queueEndpoint is null ? "" : $"\n    endpoint: {queueEndpoint}")}}
          storage:
            inputBucket: in-bucket
            resultBucket: out-bucket
          model:
            uri: s3://models/m.onnx
            labelsUri: s3://models/labels.txt
          scaling: {{scaling}}
        {{extraSpec}}
        """;
}
