using System.Threading.Channels;
using System.Text.Json.Nodes;

namespace ImageRec.Tests.Infrastructure.KubernetesApi;

/// <summary>
/// One open watch: the events it will be sent, in resourceVersion order. Label and field selectors are applied to
/// the object before and after each change, so an object that stops matching is reported DELETED and one that
/// starts matching ADDED, as the real watch cache does.
/// </summary>
public sealed class WatchSubscription(ResourceType type, ObjectFilter filter, bool wantsBookmarks, Action<WatchSubscription> unsubscribe) : IDisposable
{
    private readonly Channel<WatchEvent> _events = Channel.CreateUnbounded<WatchEvent>();

    public ResourceType Type { get; } = type;
    public bool WantsBookmarks { get; } = wantsBookmarks;
    public ChannelReader<WatchEvent> Events => _events.Reader;

    /// <summary>Called under the store's lock, so events arrive in order.</summary>
    internal void Offer(StoredEvent change)
    {
        var nowMatches = filter.Matches(change.Key, change.New);
        var usedToMatch = change.Old is not null && filter.Matches(change.Key, change.Old);
        var type = change.Type switch
        {
            "ADDED" when nowMatches => "ADDED",
            "MODIFIED" when nowMatches && usedToMatch => "MODIFIED",
            "MODIFIED" when nowMatches => "ADDED",
            "MODIFIED" when usedToMatch => "DELETED",
            "DELETED" when nowMatches => "DELETED",
            _ => null,
        };
        if (type is not null) _events.Writer.TryWrite(new WatchEvent(type, change.New));
    }

    internal void OfferInitial(JsonObject obj) => _events.Writer.TryWrite(new WatchEvent("ADDED", obj));

    internal void Bookmark(long resourceVersion) => _events.Writer.TryWrite(new WatchEvent("BOOKMARK", new JsonObject
    {
        ["kind"] = Type.Kind,
        ["apiVersion"] = Type.ApiVersion,
        ["metadata"] = new JsonObject { ["resourceVersion"] = resourceVersion.ToString(), ["creationTimestamp"] = null },
    }));

    internal void Fail(JsonObject status)
    {
        _events.Writer.TryWrite(new WatchEvent("ERROR", status));
        _events.Writer.TryComplete();
    }

    /// <summary>Ends the stream (server shutdown, resource type removed).</summary>
    internal void Close() => _events.Writer.TryComplete();

    public void Dispose()
    {
        unsubscribe(this);
        _events.Writer.TryComplete();
    }
}
