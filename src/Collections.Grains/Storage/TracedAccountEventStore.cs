using System.Diagnostics;

namespace Collections.Grains.Storage;

/// <summary>
/// The account event store's calls as spans of the <c>Collections.Storage</c> activity source, so that a
/// trace shows the storage under a grain call whatever the store (the Redis one adds its commands beneath).
/// With no listener, <see cref="ActivitySource.StartActivity(string, ActivityKind)"/> returns null and this
/// costs one call. Tags are the operation and sizes — never the account's key or data.
/// </summary>
public sealed class TracedAccountEventStore(IAccountEventStore inner) : IAccountEventStore
{
    public const string ActivitySourceName = "Collections.Storage";

    private static readonly ActivitySource Source = new(ActivitySourceName);

    public async Task<StoredSnapshot?> LoadAsync(string accountKey)
    {
        using var activity = Start("load");
        var snapshot = await inner.LoadAsync(accountKey);
        activity?.SetTag("collections.storage.found", snapshot is not null);
        return snapshot;
    }

    public async Task<bool> AppendAsync(string accountKey, long expectedVersion, IReadOnlyList<ReadOnlyMemory<byte>> events, ReadOnlyMemory<byte> snapshotJson)
    {
        using var activity = Start("append");
        activity?.SetTag("collections.storage.events", events.Count);
        var appended = await inner.AppendAsync(accountKey, expectedVersion, events, snapshotJson);
        activity?.SetTag("collections.storage.appended", appended);
        return appended;
    }

    public async Task<IReadOnlyList<string>> ReadEventsAsync(string accountKey, long afterSeq, int limit)
    {
        using var activity = Start("read_events");
        var events = await inner.ReadEventsAsync(accountKey, afterSeq, limit);
        activity?.SetTag("collections.storage.events", events.Count);
        return events;
    }

    /// <summary>An admin enumeration (the index rebuild), not traced per key.</summary>
    public IAsyncEnumerable<string> ListAccountKeysAsync() => inner.ListAccountKeysAsync();

    private static Activity? Start(string operation)
    {
        var activity = Source.StartActivity($"account_events {operation}", ActivityKind.Internal);
        activity?.SetTag("db.operation.name", operation);
        return activity;
    }
}
