using System.Text.Json.Nodes;

namespace ImageRec.Tests.Infrastructure.KubernetesApi;

/// <summary>
/// The <c>Status</c> objects of the real server, shaped like k8s.io/apimachinery's api/errors constructors
/// (message wording, reason, details{name, group, kind}, code), so clients that parse them behave the same.
/// </summary>
public static class KubernetesStatus
{
    public static JsonObject Failure(int code, string reason, string message, JsonObject? details = null)
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = message,
            ["reason"] = reason,
        };
        if (details is not null) status["details"] = details;
        status["code"] = code;
        return status;
    }

    public static JsonObject Success(ResourceType type, string name, string? uid) => new()
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = "Success",
        ["details"] = Details(type.Group, type.Plural, name, uid),
    };

    /// <summary>details as the real server fills them: empty group and name are left out (omitempty).</summary>
    public static JsonObject Details(string group, string kind, string? name, string? uid = null)
    {
        var details = new JsonObject();
        if (!string.IsNullOrEmpty(name)) details["name"] = name;
        if (!string.IsNullOrEmpty(group)) details["group"] = group;
        details["kind"] = kind;
        if (!string.IsNullOrEmpty(uid)) details["uid"] = uid;
        return details;
    }

    public static KubernetesApiException NotFound(string group, string resource, string name) =>
        new(Failure(404, "NotFound", $"{Qualified(group, resource)} \"{name}\" not found", Details(group, resource, name)));

    public static KubernetesApiException AlreadyExists(string group, string resource, string name) =>
        new(Failure(409, "AlreadyExists", $"{Qualified(group, resource)} \"{name}\" already exists", Details(group, resource, name)));

    /// <summary>An update whose metadata.resourceVersion is not the stored one (optimistic concurrency).</summary>
    public static KubernetesApiException StaleResourceVersion(string group, string resource, string name) =>
        new(Failure(409, "Conflict",
            $"Operation cannot be fulfilled on {Qualified(group, resource)} \"{name}\": the object has been modified; please apply your changes to the latest version and try again",
            Details(group, resource, name)));

    public static KubernetesApiException PreconditionFailed(string group, string resource, string name, string message) =>
        new(Failure(409, "Conflict", $"Operation cannot be fulfilled on {Qualified(group, resource)} \"{name}\": {message}", Details(group, resource, name)));

    /// <summary>Server-side apply refused because other managers own fields with other values (errors.NewApplyConflict).</summary>
    public static KubernetesApiException ApplyConflict(string message, JsonArray causes) =>
        new(Failure(409, "Conflict", message, new JsonObject { ["causes"] = causes }));

    /// <summary>errors.NewForbidden: "&lt;resource&gt;.&lt;group&gt; "&lt;name&gt;" is forbidden: &lt;why&gt;".</summary>
    public static KubernetesApiException Forbidden(string group, string resource, string? name, string why)
    {
        var qualified = Qualified(group, resource);
        var message = string.IsNullOrEmpty(name) ? $"{qualified} is forbidden: {why}" : $"{qualified} \"{name}\" is forbidden: {why}";
        return new(Failure(403, "Forbidden", message, Details(group, resource, name)));
    }

    public static KubernetesApiException ForbiddenPath(string why) => new(Failure(403, "Forbidden", $"forbidden: {why}", new JsonObject()));

    public static KubernetesApiException Unauthorized() => new(Failure(401, "Unauthorized", "Unauthorized"));

    public static KubernetesApiException BadRequest(string message) => new(Failure(400, "BadRequest", message));

    /// <summary>errors.NewInvalid: 422 with the kind (not the resource) in the message.</summary>
    public static KubernetesApiException Invalid(string group, string kind, string name, string field, string detail)
    {
        var qualifiedKind = string.IsNullOrEmpty(group) ? kind : $"{kind}.{group}";
        var details = Details(group, kind, name);
        details["causes"] = new JsonArray(new JsonObject { ["reason"] = "FieldValueInvalid", ["message"] = detail, ["field"] = field });
        return new(Failure(422, "Invalid", $"{qualifiedKind} \"{name}\" is invalid: {field}: {detail}", details));
    }

    public static KubernetesApiException PathNotFound() =>
        new(Failure(404, "NotFound", "the server could not find the requested resource", new JsonObject()));

    public static KubernetesApiException MethodNotAllowed() =>
        new(Failure(405, "MethodNotAllowed", "the server does not allow this method on the requested resource", new JsonObject()));

    public static KubernetesApiException UnsupportedMediaType(string contentType) =>
        new(Failure(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json (got {contentType})"));

    /// <summary>What a watch from a resourceVersion older than the kept history gets (sent as an ERROR event).</summary>
    public static JsonObject Expired(long requested, long oldest) =>
        Failure(410, "Expired", $"too old resource version: {requested} ({oldest})");

    public static string Qualified(string group, string resource) => string.IsNullOrEmpty(group) ? resource : $"{resource}.{group}";
}
