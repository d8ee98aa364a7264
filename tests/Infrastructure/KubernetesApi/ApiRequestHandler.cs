using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace ImageRec.Tests.Infrastructure.KubernetesApi;

/// <summary>
/// Every HTTP request of the double: authenticate (bearer token), route (version, health, discovery, OpenAPI,
/// resources), authorize resource requests against the caller's ClusterRole, and map verbs the way the real server
/// does — GET one: get, GET collection: list, watch=true: watch, POST: create, PUT: update, PATCH: patch,
/// DELETE: delete / deletecollection (https://kubernetes.io/docs/reference/access-authn-authz/authorization/#determine-the-request-verb).
/// </summary>
public sealed class ApiRequestHandler(
    ObjectStore store, ResourceCatalog catalog, TokenRegistry tokens, DiscoveryDocuments discovery, OpenApiDocuments openApi,
    KubernetesApiServerOptions options, CancellationToken serverStopping)
{
    public async Task HandleAsync(HttpContext context)
    {
        try
        {
            var path = context.Request.Path.Value?.TrimEnd('/') ?? "";
            if (path is "/version") { await WriteJson(context, 200, VersionInfo()); return; }
            if (path is "/healthz" or "/livez" or "/readyz") { context.Response.ContentType = "text/plain"; await context.Response.WriteAsync("ok"); return; }
            var user = Authenticate(context);
            var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
            switch (segments)
            {
                case ["api"]: await WriteJson(context, 200, discovery.CoreVersions(context.Request.Host.Value ?? "")); return;
                case ["apis"]: await WriteJson(context, 200, discovery.GroupList()); return;
                case ["api", var v]: await WriteJson(context, 200, discovery.ResourceList("", v) ?? throw KubernetesStatus.PathNotFound()); return;
                case ["apis", var g]: await WriteJson(context, 200, discovery.Group(g) ?? throw KubernetesStatus.PathNotFound()); return;
                case ["apis", var g, var v]: await WriteJson(context, 200, discovery.ResourceList(g, v) ?? throw KubernetesStatus.PathNotFound()); return;
                case ["openapi", "v3"]: await WriteJson(context, 200, openApi.Index()); return;
                case ["openapi", "v3", .. var rest]:
                    var document = openApi.Document(string.Join('/', rest)) ?? throw KubernetesStatus.PathNotFound();
                    context.Response.ContentType = "application/json";
                    await context.Response.Body.WriteAsync(document);
                    return;
                case ["api", var v, .. var rest]:
                    await HandleResource(context, user, ResourceRequest.Parse(catalog, "", v, rest)); return;
                case ["apis", var g, var v, .. var rest]:
                    await HandleResource(context, user, ResourceRequest.Parse(catalog, g, v, rest)); return;
                default: throw KubernetesStatus.PathNotFound();
            }
        }
        catch (KubernetesApiException e)
        {
            if (!context.Response.HasStarted) await WriteJson(context, e.Code, e.Status);
        }
        catch (Exception e) when (e is not OperationCanceledException && !context.Response.HasStarted)
        {
            // A bug in the double, reported the way the real server reports its own (500, reason InternalError).
            await WriteJson(context, 500, KubernetesStatus.Failure(500, "InternalError", $"Internal error occurred: {e}"));
        }
    }

    private ApiUser Authenticate(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        const string bearer = "Bearer ";
        if (header.StartsWith(bearer, StringComparison.OrdinalIgnoreCase) && tokens.Find(header[bearer.Length..].Trim()) is { } user) return user;
        throw KubernetesStatus.Unauthorized();
    }

    private async Task HandleResource(HttpContext context, ApiUser user, ResourceRequest? request)
    {
        if (request is null) throw KubernetesStatus.PathNotFound();
        var (type, ns, name, subresource) = request;
        if (subresource is not null && !(subresource == "status" && type.HasStatus)) throw KubernetesStatus.PathNotFound();
        var query = context.Request.Query;
        var method = context.Request.Method;
        var isWatch = query["watch"].ToString() is "true" or "1";
        var verb = method switch
        {
            "GET" when isWatch => "watch",
            "GET" => name is null ? "list" : "get",
            "POST" when name is null => "create",
            "PUT" when name is not null => "update",
            "PATCH" when name is not null => "patch",
            "DELETE" => name is null ? "deletecollection" : "delete",
            _ => throw KubernetesStatus.MethodNotAllowed(),
        };
        if (type.Namespaced && ns is null && verb is not ("list" or "watch")) throw KubernetesStatus.PathNotFound();
        var effectiveNamespace = type.Namespaced ? ns : null;
        var attributes = new RequestAttributes(verb, type.Group, type.Plural, subresource, effectiveNamespace, name);
        if (!user.Allows(attributes)) throw attributes.Forbidden(user.Name);

        var nsKey = effectiveNamespace ?? "";
        var dryRun = query["dryRun"].ToString() == "All";
        var context0 = new WriteContext(FieldManagement.ManagerName(query["fieldManager"], context.Request.Headers.UserAgent), subresource, dryRun);
        var asTable = TableConverter.IsRequested(context.Request.Headers.Accept);
        var includeObject = query["includeObject"].ToString();
        switch (verb)
        {
            case "get":
            {
                var obj = store.Get(type, nsKey, name!);
                if (asTable) await WriteJson(context, 200, TableConverter.Convert(type, [obj], null, includeObject), TableConverter.ContentType);
                else await WriteJson(context, 200, obj);
                return;
            }
            case "list":
            {
                var (items, rv) = store.List(type, Filter(type, effectiveNamespace, query));
                if (asTable) { await WriteJson(context, 200, TableConverter.Convert(type, items, rv, includeObject), TableConverter.ContentType); return; }
                await WriteJson(context, 200, new JsonObject
                {
                    ["kind"] = type.ListKind,
                    ["apiVersion"] = type.ApiVersion,
                    ["metadata"] = new JsonObject { ["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture) },
                    ["items"] = new JsonArray([.. items.Select(i => (JsonNode)i)]),
                });
                return;
            }
            case "watch":
            {
                using var subscription = store.Watch(type, Filter(type, effectiveNamespace, query), query["resourceVersion"], query["allowWatchBookmarks"].ToString() == "true");
                TimeSpan? timeout = int.TryParse(query["timeoutSeconds"], out var seconds) && seconds > 0 ? TimeSpan.FromSeconds(seconds) : null;
                await WatchStreamer.StreamAsync(context, subscription, asTable, includeObject, timeout, serverStopping);
                return;
            }
            case "create":
            {
                var body = await ReadObject(context);
                await WriteJson(context, 201, store.Create(type, nsKey, body, context0));
                return;
            }
            case "update":
            {
                var body = await ReadObject(context);
                await WriteJson(context, 200, store.Update(type, nsKey, name!, body, context0));
                return;
            }
            case "patch":
                await HandlePatch(context, user, type, nsKey, name!, context0);
                return;
            case "delete":
            {
                var body = context.Request.ContentLength is > 0 || context.Request.Headers.TransferEncoding.Count > 0 ? await ReadOptionalObject(context) : null;
                var options = DeleteOptions.From(body, query["propagationPolicy"].FirstOrDefault(), dryRun);
                await WriteJson(context, 200, store.Delete(type, nsKey, name!, options));
                return;
            }
            case "deletecollection":
            {
                var (items, _) = store.List(type, Filter(type, effectiveNamespace, query));
                foreach (var item in items)
                {
                    try { store.Delete(type, item["metadata"]?["namespace"]?.GetValue<string>() ?? "", item["metadata"]!["name"]!.GetValue<string>(), new DeleteOptions(DryRun: dryRun)); }
                    catch (KubernetesApiException e) when (e.Code == 404) { }
                }
                await WriteJson(context, 200, new JsonObject { ["kind"] = type.ListKind, ["apiVersion"] = type.ApiVersion, ["metadata"] = new JsonObject(), ["items"] = new JsonArray([.. items.Select(i => (JsonNode)i)]) });
                return;
            }
        }
    }

    private async Task HandlePatch(HttpContext context, ApiUser user, ResourceType type, string ns, string name, WriteContext writeContext)
    {
        var contentType = (context.Request.ContentType ?? "").Split(';')[0].Trim();
        var text = await ReadText(context);
        switch (contentType)
        {
            case "application/apply-patch+yaml":
            {
                if (string.IsNullOrEmpty(context.Request.Query["fieldManager"]))
                    throw KubernetesStatus.BadRequest("PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch");
                var applied = YamlToJson.Single(text) as JsonObject ?? throw KubernetesStatus.BadRequest("the apply configuration must be an object");
                var force = context.Request.Query["force"].ToString() == "true";
                var createAttributes = new RequestAttributes("create", type.Group, type.Plural, null, type.Namespaced ? ns : null, name);
                var existed = true;
                var result = store.Apply(type, ns, name, applied, force, writeContext, () =>
                {
                    existed = false;
                    if (!user.Allows(createAttributes)) throw createAttributes.Forbidden(user.Name);
                });
                await WriteJson(context, existed ? 200 : 201, result);
                return;
            }
            case "application/merge-patch+json":
                await WriteJson(context, 200, store.Patch(type, ns, name, o => (JsonObject)JsonMergePatch.Apply(o, ParseJson(text))!, writeContext));
                return;
            case "application/strategic-merge-patch+json":
                await WriteJson(context, 200, store.Patch(type, ns, name, o => (JsonObject)StrategicMergePatch.Apply(o, ParseJson(text))!, writeContext));
                return;
            case "application/json-patch+json":
                var operations = ParseJson(text) as JsonArray ?? throw KubernetesStatus.BadRequest("json patch must be an array of operations");
                await WriteJson(context, 200, store.Patch(type, ns, name, o => (JsonObject)JsonPatch.Apply(o, operations), writeContext));
                return;
            default:
                throw KubernetesStatus.UnsupportedMediaType(contentType);
        }
    }

    private static ObjectFilter Filter(ResourceType type, string? ns, IQueryCollection query) =>
        new(type.Group, type.Plural, ns, LabelSelector.Parse(query["labelSelector"]), FieldSelector.Parse(query["fieldSelector"]));

    private static async Task<JsonObject> ReadObject(HttpContext context) =>
        await ReadOptionalObject(context) ?? throw KubernetesStatus.BadRequest("the request body must be an object");

    private static async Task<JsonObject?> ReadOptionalObject(HttpContext context)
    {
        var text = await ReadText(context);
        if (string.IsNullOrWhiteSpace(text)) return null;
        var contentType = context.Request.ContentType ?? "";
        RefuseProtobuf(contentType);
        var node = contentType.Contains("yaml", StringComparison.OrdinalIgnoreCase) ? YamlToJson.Single(text) : ParseJson(text);
        return node as JsonObject ?? throw KubernetesStatus.BadRequest("the request body must be an object");
    }

    /// <summary>
    /// Typed client-go clientsets send protobuf; the double speaks JSON (and YAML) only. 415 is what the real server
    /// answers for a body format it cannot decode.
    /// </summary>
    private static void RefuseProtobuf(string contentType)
    {
        if (contentType.Contains("protobuf", StringComparison.OrdinalIgnoreCase) || contentType.Contains("cbor", StringComparison.OrdinalIgnoreCase))
            throw new KubernetesApiException(KubernetesStatus.Failure(415, "UnsupportedMediaType",
                $"the body of the request was in an unknown format - accepted media types include: application/json, application/yaml (got {contentType})"));
    }

    private static async Task<string> ReadText(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        return await reader.ReadToEndAsync(context.RequestAborted);
    }

    private static JsonNode? ParseJson(string text)
    {
        try { return JsonNode.Parse(text); }
        catch (System.Text.Json.JsonException e) { throw KubernetesStatus.BadRequest($"error decoding body: {e.Message}"); }
    }

    private JsonObject VersionInfo() => new()
    {
        ["major"] = options.Version.Major.ToString(CultureInfo.InvariantCulture),
        ["minor"] = options.Version.Minor.ToString(CultureInfo.InvariantCulture),
        ["gitVersion"] = $"v{options.Version.Major}.{options.Version.Minor}.{options.Version.Patch}",
        ["gitCommit"] = "0000000000000000000000000000000000000000",
        ["gitTreeState"] = "clean",
        ["buildDate"] = "2025-12-17T00:00:00Z",
        ["goVersion"] = "go1.25.5",
        ["compiler"] = "gc",
        ["platform"] = "linux/amd64",
    };

    private static async Task WriteJson(HttpContext context, int status, JsonObject body, string contentType = "application/json")
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(body.ToJsonString()), context.RequestAborted);
    }
}
