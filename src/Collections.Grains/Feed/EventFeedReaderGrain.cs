using System.Collections.Immutable;
using Collections.Contracts;
using Collections.Grains.Storage;
using Orleans.Concurrency;

namespace Collections.Grains.Feed;

[StatelessWorker]
public sealed class EventFeedReaderGrain(IEventFeedStore store, StorageGate gate) : Grain, IEventFeedReaderGrain
{
    public async Task<ImmutableArray<FeedEntryView>> ReadAsync(string feed, string? after, int limit) =>
        [.. (await gate.RunAsync(() => store.ReadAsync(feed, after, limit))).Select(e => new FeedEntryView(e.Cursor, e.Json))];
}
