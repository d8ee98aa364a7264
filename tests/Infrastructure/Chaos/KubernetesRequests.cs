using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace ImageRec.Tests.Infrastructure.Chaos;

/// <summary>
/// Which kind of Kubernetes API call a request is, as the API server's request-info resolver tells them
/// apart: a watch is a GET with <c>watch=true</c> (or <c>1</c>), a list is a GET of a collection without it.
/// For <see cref="FaultProxy.Targets"/> (fault only the watches) and for reading <see cref="FaultProxy.Requests"/>.
/// </summary>
public static class KubernetesRequests
{
    public static bool IsWatch(HttpRequest request) => IsWatch(request.Query["watch"]);

    /// <summary>A list of the collection whose path ends in <paramref name="collection"/> (e.g. <c>/recognitionpools</c>).</summary>
    public static bool IsList(ProxiedRequest request, string collection) =>
        HttpMethods.IsGet(request.Method)
        && request.Path.EndsWith(collection, StringComparison.Ordinal)
        && !IsWatch(QueryHelpers.ParseQuery(request.Query).GetValueOrDefault("watch"));

    private static bool IsWatch(StringValues watch) => watch.ToString() is "true" or "1";
}
