namespace ImageRec.Tests.KubernetesApi;

/// <summary>Manifests the Kubernetes API double's tests apply: a small RecognitionPool-like CRD, a pool, a test ClusterRole.</summary>
public static class TestManifests
{
    public const string RecognitionPoolCrd = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: recognitionpools.imagerec.io
        spec:
          group: imagerec.io
          scope: Namespaced
          names:
            plural: recognitionpools
            singular: recognitionpool
            kind: RecognitionPool
            listKind: RecognitionPoolList
            shortNames: [rpool]
            categories: [imagerec]
          versions:
          - name: v1alpha1
            served: true
            storage: true
            subresources:
              status: {}
            additionalPrinterColumns:
            - name: Replicas
              type: integer
              jsonPath: .spec.replicas
            - name: Model
              type: string
              jsonPath: .spec.model
            - name: Ready
              type: string
              jsonPath: .status.conditions[?(@.type=="Ready")].status
            - name: Age
              type: date
              jsonPath: .metadata.creationTimestamp
            schema:
              openAPIV3Schema:
                type: object
                description: A pool of image recognition workers.
                properties:
                  spec:
                    type: object
                    description: What the pool should look like.
                    properties:
                      replicas:
                        type: integer
                        minimum: 0
                        description: How many workers the pool runs.
                      model:
                        type: string
                        description: The model the workers load.
                  status:
                    type: object
                    properties:
                      readyReplicas:
                        type: integer
                      conditions:
                        type: array
                        items:
                          type: object
                          properties:
                            type: {type: string}
                            status: {type: string}
        """;

    public static string Pool(string name, int replicas, string model = "mobilenetv2", string labels = "app: imagerec") => $"""
        apiVersion: imagerec.io/v1alpha1
        kind: RecognitionPool
        metadata:
          name: {name}
          labels:
            {labels}
        spec:
          replicas: {replicas}
          model: {model}
        """;

    /// <summary>Roughly what the operator needs; the chart's real ClusterRole replaces it once rendered.</summary>
    public const string OperatorClusterRole = """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata:
          name: imagerec-operator-test
        rules:
        - apiGroups: ["imagerec.io"]
          resources: ["recognitionpools"]
          verbs: ["get", "list", "watch"]
        - apiGroups: ["imagerec.io"]
          resources: ["recognitionpools/status"]
          verbs: ["get", "update", "patch"]
        - apiGroups: ["apps"]
          resources: ["deployments"]
          verbs: ["get", "list", "watch", "patch"]
        - apiGroups: ["coordination.k8s.io"]
          resources: ["leases"]
          verbs: ["get", "create", "update"]
          resourceNames: []
        """;
}
