using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ImageRec.Tests.Chart.Support;
using ImageRec.Tests.Infrastructure;

namespace ImageRec.Tests.Chart;

/// <summary>
/// deploy/eks: two node groups (GPU tainted), IAM policies that are least privilege and hold no account ids (DynamoDB on
/// the image index table alone), the table's CreateTable input, and a README that documents every placeholder.
/// </summary>
public partial class EksDeploymentFilesTests
{
    private static string Eks(params string[] parts) => Path.Combine([RepositoryPaths.Root, "deploy", "eks", .. parts]);

    [Fact]
    public void The_cluster_has_a_general_purpose_and_a_tainted_GPU_node_group()
    {
        var config = YamlManifests.Parse(File.ReadAllText(Eks("eks-cluster.yaml"))).Single();
        Assert.True((bool?)config["iam"]!["withOIDC"]);
        var groups = config["managedNodeGroups"]!.AsArray().ToDictionary(g => (string)g!["name"]!, g => g!);
        Assert.StartsWith("m7i.", (string?)groups["general-purpose"]["instanceTypes"]![0]);
        var gpu = groups["gpu"];
        Assert.All(gpu["instanceTypes"]!.AsArray(), t => Assert.Matches("^g[56]\\.", (string?)t));
        var taint = Assert.Single(gpu["taints"]!.AsArray());
        Assert.Equal(("nvidia.com/gpu", "true", "NoSchedule"), ((string?)taint!["key"], (string?)taint["value"], (string?)taint["effect"]));
        Assert.Contains("device plugin", File.ReadAllText(Eks("eks-cluster.yaml")));
    }

    public static TheoryData<string, string[]> Policies() => new()
    {
        { "webtier-policy.json", ["s3:PutObject", "s3:GetObject", "s3:DeleteObject", "s3:ListBucket", "sqs:SendMessage", "sqs:GetQueueUrl", "sqs:CreateQueue", "sqs:DeleteQueue", "sqs:GetQueueAttributes", "sqs:SetQueueAttributes", "sqs:ReceiveMessage", "sqs:DeleteMessage",
            "dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem", "dynamodb:Query"] },
        { "worker-policy.json", ["s3:GetObject", "s3:PutObject", "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:SendMessage",
            "dynamodb:UpdateItem", "dynamodb:GetItem"] },
        { "operator-policy.json", ["sqs:GetQueueAttributes"] },
    };

    [Theory]
    [MemberData(nameof(Policies))]
    public void Policies_allow_only_named_actions_on_named_resources(string file, string[] allowedActions)
    {
        var text = File.ReadAllText(Eks("iam", file));
        Assert.DoesNotMatch(AccountId(), text);
        var policy = JsonNode.Parse(text)!;
        var actions = new HashSet<string>();
        foreach (var statement in policy["Statement"]!.AsArray())
        {
            Assert.Equal("Allow", (string?)statement!["Effect"]);
            var statementActions = statement["Action"] is JsonArray list ? list.Select(a => (string)a!).ToList() : [(string)statement["Action"]!];
            Assert.All(statementActions, a => Assert.DoesNotContain("*", a));
            actions.UnionWith(statementActions);
            var resource = (string)statement["Resource"]!;
            Assert.NotEqual("*", resource);
            Assert.StartsWith("arn:aws:", resource);
        }
        Assert.Equal(allowedActions.Order(), actions.Order());
    }

    [Fact]
    public void Reply_queue_statements_match_the_chart_prefix()
    {
        var prefix = (string)YamlManifests.ParseNode(File.ReadAllText(Path.Combine(ChartUnderTest.Directory, "values.yaml")))!["webtier"]!["replyQueuePrefix"]!;
        Assert.Contains($":{prefix}*\"", File.ReadAllText(Eks("iam", "webtier-policy.json")));
        Assert.Contains($":{prefix}*\"", File.ReadAllText(Eks("iam", "worker-policy.json")));
    }

    private const string IndexTable = "arn:aws:dynamodb:${AWS_REGION}:${AWS_ACCOUNT_ID}:table/${INDEX_TABLE}";

    /// <summary>(actions, resource) of each statement of a policy.</summary>
    private static IEnumerable<(string[] Actions, string Resource)> Statements(string file) =>
        JsonNode.Parse(File.ReadAllText(Eks("iam", file)))!["Statement"]!.AsArray().Select(statement => (
            statement!["Action"] is JsonArray list ? list.Select(a => (string)a!).ToArray() : [(string)statement["Action"]!],
            (string)statement["Resource"]!));

    /// <summary>The DynamoDB actions a policy allows, each with the resources it allows them on.</summary>
    private static Dictionary<string, string[]> DynamoDbGrants(string file) =>
        Statements(file).SelectMany(s => s.Actions.Where(a => a.StartsWith("dynamodb:")).Select(a => (Action: a, s.Resource)))
            .GroupBy(g => g.Action).ToDictionary(g => g.Key, g => g.Select(x => x.Resource).Order().ToArray());

    [Theory]
    [InlineData("webtier-policy.json")]
    [InlineData("worker-policy.json")]
    [InlineData("operator-policy.json")]
    public void DynamoDB_statements_name_only_the_index_table_and_its_indexes(string file)
    {
        var resources = Statements(file).Where(s => s.Actions.Any(a => a.StartsWith("dynamodb:"))).Select(s => s.Resource);
        Assert.All(resources, r => Assert.Contains(r, new[] { IndexTable, IndexTable + "/index/*" }));
        Assert.All(Statements(file), s => Assert.True(!s.Resource.StartsWith("arn:aws:dynamodb:") || s.Actions.All(a => a.StartsWith("dynamodb:")),
            $"{file}: a DynamoDB resource with non-DynamoDB actions"));
    }

    [Fact]
    public void The_web_tier_writes_and_reads_items_on_the_table_and_queries_only_its_indexes()
    {
        var grants = DynamoDbGrants("webtier-policy.json");
        foreach (var action in new[] { "dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem" })
            Assert.Equal([IndexTable], grants[action]);
        // Every listing and the sweeper query an index (newest-first, by-label, pending), never the table itself.
        Assert.Equal([IndexTable + "/index/*"], grants["dynamodb:Query"]);
    }

    [Fact]
    public void The_worker_only_records_outcomes_and_the_operator_never_touches_the_index()
    {
        var worker = DynamoDbGrants("worker-policy.json");
        Assert.Equal(["dynamodb:GetItem", "dynamodb:UpdateItem"], worker.Keys.Order());
        Assert.All(worker.Values, resources => Assert.Equal([IndexTable], resources));
        Assert.Empty(DynamoDbGrants("operator-policy.json"));
    }

    [Fact]
    public void Every_placeholder_of_the_deployment_files_is_documented_in_the_README()
    {
        var readme = File.ReadAllText(Eks("README.md"));
        var files = Directory.GetFiles(Eks("iam"), "*.json").Concat(Directory.GetFiles(Eks(), "*.json"));
        var placeholders = files.SelectMany(f => Placeholder().Matches(File.ReadAllText(f)).Select(m => m.Value)).Distinct().ToList();
        Assert.Contains("${INDEX_TABLE}", placeholders);
        Assert.Contains("${SITE_ORIGIN}", placeholders);
        Assert.All(placeholders, p => Assert.Contains($"`{p}`", readme));
    }

    [Fact]
    public void The_table_definition_is_CreateTable_input_with_on_demand_billing()
    {
        var table = JsonNode.Parse(File.ReadAllText(Eks("image-index-table.json")))!.AsObject();
        string[] members = ["TableName", "BillingMode", "AttributeDefinitions", "KeySchema", "LocalSecondaryIndexes", "GlobalSecondaryIndexes",
            "ProvisionedThroughput", "StreamSpecification", "SSESpecification", "Tags", "TableClass", "DeletionProtectionEnabled", "OnDemandThroughput"];
        Assert.All(table.Select(p => p.Key), k => Assert.Contains(k, members));
        Assert.Equal("${INDEX_TABLE}", (string?)table["TableName"]);
        Assert.Equal("PAY_PER_REQUEST", (string?)table["BillingMode"]);
        Assert.DoesNotContain("ProvisionedThroughput", File.ReadAllText(Eks("image-index-table.json")));

        string[] Keys(JsonNode schemaOwner, string type) =>
            schemaOwner["KeySchema"]!.AsArray().Where(k => (string?)k!["KeyType"] == type).Select(k => (string)k!["AttributeName"]!).ToArray();
        var locals = table["LocalSecondaryIndexes"]?.AsArray().Select(i => i!).ToList() ?? [];
        var globals = table["GlobalSecondaryIndexes"]?.AsArray().Select(i => i!).ToList() ?? [];
        var keyed = new[] { (JsonNode)table }.Concat(locals).Concat(globals).ToList();
        Assert.All(keyed, k => Assert.Single(Keys(k, "HASH")));
        Assert.All(keyed, k => Assert.True(Keys(k, "RANGE").Length <= 1));
        // DynamoDB refuses an attribute definition no key uses, and a key without a definition.
        var defined = table["AttributeDefinitions"]!.AsArray().ToDictionary(a => (string)a!["AttributeName"]!, a => (string)a!["AttributeType"]!);
        Assert.All(defined.Values, t => Assert.Contains(t, new[] { "S", "N", "B" }));
        Assert.Equal(defined.Keys.Order(), keyed.SelectMany(k => Keys(k, "HASH").Concat(Keys(k, "RANGE"))).Distinct().Order());
        // A local index shares the table's partition key and needs a sort key; at most 5 local and 20 global indexes.
        Assert.All(locals, l => Assert.Equal(Keys(table, "HASH"), Keys(l, "HASH")));
        Assert.All(locals, l => Assert.Single(Keys(l, "RANGE")));
        Assert.True(locals.Count <= 5 && globals.Count <= 20);
        Assert.Equal(locals.Count + globals.Count, locals.Concat(globals).Select(i => (string)i["IndexName"]!).Distinct().Count());
        foreach (var index in locals.Concat(globals))
        {
            var projection = index["Projection"]!;
            Assert.Contains((string?)projection["ProjectionType"], new[] { "ALL", "KEYS_ONLY", "INCLUDE" });
            Assert.Equal((string?)projection["ProjectionType"] == "INCLUDE", projection["NonKeyAttributes"] is JsonArray { Count: > 0 });
            Assert.Null(index["ProvisionedThroughput"]);
        }
    }

    [Fact]
    public void The_README_creates_the_table_with_the_name_substituted_and_waits_for_it()
    {
        var readme = File.ReadAllText(Eks("README.md"));
        Assert.Contains("--cli-input-json \"$(envsubst '${INDEX_TABLE}' < deploy/eks/image-index-table.json)\"", readme);
        Assert.Contains("aws dynamodb wait table-exists", readme);
        Assert.DoesNotContain("--cli-input-json file://", readme);
    }

    private const string RequestQueue = "arn:aws:sqs:${AWS_REGION}:${AWS_ACCOUNT_ID}:${REQUEST_QUEUE}";

    [Theory]
    [InlineData("s3-notification.json")]
    [InlineData("request-queue-policy.json")]
    [InlineData("s3-cors.json")]
    public void The_direct_upload_files_are_JSON_without_account_ids(string file)
    {
        var text = File.ReadAllText(Eks(file));
        Assert.DoesNotMatch(AccountId(), text);
        Assert.IsType<JsonObject>(JsonNode.Parse(text));
    }

    [Fact]
    public void The_input_bucket_notifies_every_created_object_to_the_request_queue_the_web_tier_sends_to()
    {
        var notification = JsonNode.Parse(File.ReadAllText(Eks("s3-notification.json")))!.AsObject();
        // NotificationConfiguration members only (put-bucket-notification-configuration refuses others).
        Assert.All(notification.Select(p => p.Key), k => Assert.Contains(k, new[] { "TopicConfigurations", "QueueConfigurations", "LambdaFunctionConfigurations", "EventBridgeConfiguration" }));
        var queue = Assert.Single(notification["QueueConfigurations"]!.AsArray())!;
        Assert.Equal(RequestQueue, (string?)queue["QueueArn"]);
        Assert.Equal(["s3:ObjectCreated:*"], queue["Events"]!.AsArray().Select(e => (string)e!));
        Assert.Null(queue["Filter"]); // keys are {owner}/{name}: no prefix shared by all
        Assert.Contains(Statements("webtier-policy.json"), s => s.Resource == RequestQueue && s.Actions.Contains("sqs:SendMessage"));
    }

    [Fact]
    public void The_request_queue_lets_only_the_input_bucket_of_this_account_send()
    {
        var policy = JsonNode.Parse(File.ReadAllText(Eks("request-queue-policy.json")))!;
        Assert.Equal("2012-10-17", (string?)policy["Version"]);
        var statement = Assert.Single(policy["Statement"]!.AsArray())!;
        Assert.Equal("Allow", (string?)statement["Effect"]);
        Assert.Equal("s3.amazonaws.com", (string?)statement["Principal"]!["Service"]);
        Assert.Equal("sqs:SendMessage", (string?)statement["Action"]);
        Assert.Equal(RequestQueue, (string?)statement["Resource"]);
        var condition = statement["Condition"]!.AsObject();
        Assert.Equal(["ArnEquals", "StringEquals"], condition.Select(c => c.Key).Order());
        Assert.Equal("arn:aws:s3:::${INPUT_BUCKET}", (string?)condition["ArnEquals"]!["aws:SourceArn"]);
        Assert.Equal("${AWS_ACCOUNT_ID}", (string?)condition["StringEquals"]!["aws:SourceAccount"]);
    }

    [Fact]
    public void The_input_bucket_allows_the_pages_put_with_its_content_type_from_the_site_only()
    {
        var rule = Assert.Single(JsonNode.Parse(File.ReadAllText(Eks("s3-cors.json")))!["CORSRules"]!.AsArray())!;
        Assert.Equal(["${SITE_ORIGIN}"], rule["AllowedOrigins"]!.AsArray().Select(o => (string)o!));
        Assert.Equal(["PUT"], rule["AllowedMethods"]!.AsArray().Select(o => (string)o!));
        Assert.Equal(["Content-Type"], rule["AllowedHeaders"]!.AsArray().Select(o => (string)o!));
    }

    [Fact]
    public void The_README_sets_the_queue_policy_before_the_notification_and_substitutes_the_placeholders()
    {
        var readme = File.ReadAllText(Eks("README.md"));
        var policy = readme.IndexOf("aws sqs set-queue-attributes", StringComparison.Ordinal);
        var notification = readme.IndexOf("aws s3api put-bucket-notification-configuration", StringComparison.Ordinal);
        Assert.True(policy >= 0 && notification > policy, "S3 checks the destination when the notification is set: the queue policy comes first");
        Assert.Contains("< deploy/eks/request-queue-policy.json)\" '{Policy: $policy}')\"", readme);
        Assert.Contains("--notification-configuration \"$(envsubst '${AWS_REGION} ${AWS_ACCOUNT_ID} ${REQUEST_QUEUE}' < deploy/eks/s3-notification.json)\"", readme);
        Assert.Contains("aws s3api put-bucket-cors", readme);
        Assert.Contains("--cors-configuration \"$(envsubst '${SITE_ORIGIN}' < deploy/eks/s3-cors.json)\"", readme);
    }

    [GeneratedRegex(@"\b\d{12}\b")]
    private static partial Regex AccountId();

    [GeneratedRegex(@"\$\{[A-Z_]+\}")]
    private static partial Regex Placeholder();
}
