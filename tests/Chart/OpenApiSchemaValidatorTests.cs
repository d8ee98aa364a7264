using System.Text.Json.Nodes;
using ImageRec.Tests.Chart.Support;

namespace ImageRec.Tests.Chart;

/// <summary>The validator catches what the chart tests rely on it to catch, against the real Kubernetes schemas.</summary>
public class OpenApiSchemaValidatorTests
{
    private const string GoodDeployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: { name: web, labels: { app: web } }
        spec:
          replicas: 2
          selector: { matchLabels: { app: web } }
          strategy: { rollingUpdate: { maxUnavailable: 0, maxSurge: "25%" } }
          template:
            metadata: { labels: { app: web } }
            spec:
              containers:
                - name: web
                  image: web:1
                  ports: [{ containerPort: 8080, name: http }]
                  readinessProbe: { httpGet: { path: /readyz, port: http } }
                  resources: { requests: { cpu: 250m, memory: 1 }, limits: { memory: 512Mi } }
        """;

    private static IReadOnlyList<string> ValidateDeployment(string yaml)
    {
        var (validator, schema) = KubernetesOpenApiSchemas.Find("apps/v1", "Deployment")!.Value;
        return validator.Validate(YamlManifests.ParseNode(yaml), schema);
    }

    [Fact]
    public void A_valid_Deployment_passes() => Assert.Empty(ValidateDeployment(GoodDeployment));

    [Theory]
    [InlineData("replicas: 2", "replica: 2", "$.spec.replica: unknown field")]
    [InlineData("replicas: 2", "replicas: \"2\"", "$.spec.replicas: expected integer")]
    [InlineData("replicas: 2", "replicas: 2.5", "$.spec.replicas: expected integer")]
    [InlineData("replicas: 2", "replicas: yes", "$.spec.replicas: expected integer")]
    [InlineData("- name: web\n", "- nme: web\n", "unknown field 'nme'")]
    [InlineData("image: web:1", "image: [web]", "$.spec.template.spec.containers[0].image: expected string")]
    [InlineData("maxUnavailable: 0", "maxUnavailable: true", "maxUnavailable: expected an integer or a string")]
    [InlineData("metadata: { name: web, labels: { app: web } }", "metadata: { name: web, labels: { app: true } }", "$.metadata.labels.app: expected string")]
    [InlineData("memory: 512Mi", "memory: [512Mi]", "limits.memory: must match exactly one")]
    [InlineData("port: http }", "port: http, verb: GET }", "httpGet.verb: unknown field")]
    public void Unknown_fields_and_wrong_types_fail(string find, string replace, string expectedError)
    {
        var yaml = GoodDeployment.Replace(find, replace);
        Assert.NotEqual(GoodDeployment, yaml);

        var errors = ValidateDeployment(yaml);

        Assert.Contains(errors, e => e.Contains(expectedError));
    }

    [Fact]
    public void A_missing_required_field_fails()
    {
        var errors = ValidateDeployment(GoodDeployment.Replace("- name: web\n", "- \n").Replace("                  image: web:1", "                  image: web:1"));
        Assert.Contains(errors, e => e.Contains("required field 'name' is missing"));
    }

    [Fact]
    public void An_unknown_kind_has_no_schema()
    {
        Assert.Null(KubernetesOpenApiSchemas.Find("apps/v1", "Deploymnt"));
        Assert.Contains(ManifestValidator.Validate(new JsonObject { ["apiVersion"] = "example.com/v1", ["kind"] = "Thing", ["metadata"] = new JsonObject { ["name"] = "x" } }, []),
            e => e.Contains("no schema"));
    }

    [Theory]
    [InlineData("Web", "not a DNS-1123 subdomain")]
    [InlineData("web_1", "not a DNS-1123 subdomain")]
    public void Invalid_names_fail(string name, string expected)
    {
        var manifest = YamlManifests.Parse(GoodDeployment).Single();
        manifest["metadata"]!["name"] = name;
        Assert.Contains(ManifestValidator.Validate(manifest, []), e => e.Contains(expected));
    }

    // A CRD-style structural schema: the keywords the generated RecognitionPool CRD uses.
    private static readonly JsonObject CrdStyleSchema = YamlManifests.ParseNode("""
        type: object
        required: [spec]
        properties:
          spec:
            type: object
            required: [scaling]
            properties:
              class: { type: string, enum: [general-purpose, gpu] }
              scaling:
                type: object
                x-kubernetes-validations: [{ rule: "self.minReplicas <= self.maxReplicas", message: "min <= max" }]
                properties:
                  minReplicas: { type: integer, minimum: 0, maximum: 1000 }
                  maxReplicas: { type: integer, minimum: 1, exclusiveMaximum: true, maximum: 1001 }
                  pollInterval: { type: string, pattern: "^[0-9]+(ms|s|m)$" }
              resources:
                type: object
                additionalProperties: { anyOf: [{ type: integer }, { type: string }], x-kubernetes-int-or-string: true }
              extra: { type: object, x-kubernetes-preserve-unknown-fields: true }
              tags: { type: array, maxItems: 2, items: { type: string, maxLength: 5 } }
        """)!.AsObject();

    [Fact]
    public void A_good_object_passes_a_CRD_style_schema() =>
        Assert.Empty(new OpenApiSchemaValidator().Validate(YamlManifests.ParseNode("""
            spec: { class: gpu, scaling: { minReplicas: 0, maxReplicas: 1000, pollInterval: 2s },
                    resources: { cpu: 1, memory: 1Gi }, extra: { anything: [1] }, tags: [a, b] }
            """), CrdStyleSchema));

    [Theory]
    [InlineData("{ scaling: { minReplicas: -1 } }", "$.spec.scaling.minReplicas: -1 is below the minimum 0")]
    [InlineData("{ scaling: { maxReplicas: 1001 } }", "above the maximum 1001 (exclusive)")]
    [InlineData("{ scaling: {}, class: tpu }", "$.spec.class: string \"tpu\" is not one of")]
    [InlineData("{ scaling: { pollInterval: soon } }", "does not match")]
    [InlineData("{ }", "required field 'scaling' is missing")]
    [InlineData("{ scaling: {}, resources: { cpu: [1] } }", "$.spec.resources.cpu: expected an integer or a string")]
    [InlineData("{ scaling: {}, tags: [a, b, c] }", "allows at most 2 items")]
    [InlineData("{ scaling: {}, tags: [abcdef] }", "is longer than 5")]
    [InlineData("{ scaling: {}, sclaing: {} }", "unknown field 'sclaing'")]
    public void Bad_objects_fail_a_CRD_style_schema_with_a_message(string spec, string expected)
    {
        var errors = new OpenApiSchemaValidator().Validate(YamlManifests.ParseNode($"spec: {spec}"), CrdStyleSchema);
        Assert.Contains(errors, e => e.Contains(expected));
    }

    [Fact]
    public void CEL_rules_are_not_evaluated()
    {
        // Documented limitation: x-kubernetes-validations needs a CEL engine; the API server checks it.
        var errors = new OpenApiSchemaValidator().Validate(YamlManifests.ParseNode("spec: { scaling: { minReplicas: 9, maxReplicas: 1 } }"), CrdStyleSchema);
        Assert.Empty(errors);
    }
}
