using System.Collections.Concurrent;
using System.Text;

namespace Collections.Grains.Storage;

/// <summary>
/// The embedded default's event store: the process's memory, gone when it stops. One instance is
/// shared by every silo of the process (the in-process test cluster runs several).
/// </summary>
public sealed class InMemoryAccountEventStore : IAccountEventStore
{
    private sealed class Log
    {
        public List<string> Events { get; } = [];

        public byte[]? Snapshot { get; set; }
    }

    private readonly ConcurrentDictionary<string, Log> logs = new(StringComparer.Ordinal);

    public Task<StoredSnapshot?> LoadAsync(string accountKey)
    {
        if (!logs.TryGetValue(accountKey, out var log))
        {
            return Task.FromResult<StoredSnapshot?>(null);
        }

        lock (log)
        {
            return Task.FromResult(log.Snapshot is null ? null : new StoredSnapshot(log.Events.Count, log.Snapshot));
        }
    }

    public Task<bool> AppendAsync(string accountKey, long expectedVersion, IReadOnlyList<ReadOnlyMemory<byte>> events, ReadOnlyMemory<byte> snapshotJson)
    {
        var log = logs.GetOrAdd(accountKey, _ => new Log());
        lock (log)
        {
            if (log.Events.Count != expectedVersion)
            {
                return Task.FromResult(false);
            }

            log.Events.AddRange(events.Select(e => Encoding.UTF8.GetString(e.Span)));
            log.Snapshot = snapshotJson.ToArray();
            return Task.FromResult(true);
        }
    }

    public Task<IReadOnlyList<string>> ReadEventsAsync(string accountKey, long afterSeq, int limit)
    {
        if (!logs.TryGetValue(accountKey, out var log))
        {
            return Task.FromResult<IReadOnlyList<string>>([]);
        }

        lock (log)
        {
            var start = (int)Math.Min(Math.Max(afterSeq, 0), log.Events.Count);
            var count = Math.Min(limit, log.Events.Count - start);
            return Task.FromResult<IReadOnlyList<string>>(log.Events.GetRange(start, count));
        }
    }

    public async IAsyncEnumerable<string> ListAccountKeysAsync()
    {
        foreach (var (key, log) in logs)
        {
            bool stored;
            lock (log)
            {
                stored = log.Snapshot is not null;
            }

            if (stored)
            {
                yield return key;
            }
        }

        await Task.CompletedTask;
    }
}
