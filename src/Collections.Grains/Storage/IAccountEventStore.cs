namespace Collections.Grains.Storage;

/// <summary>An account's snapshot as stored beside its log (UTF-8 JSON, as the serializer reads it), and the log's length.</summary>
public sealed record StoredSnapshot(long Version, ReadOnlyMemory<byte> StateJson);

/// <summary>
/// The append-only audit log of accounts with a snapshot of the state beside it. Appending events and
/// replacing the snapshot is one atomic operation at an expected version, so state and history can
/// never diverge and two activations cannot both write (optimistic concurrency).
/// </summary>
public interface IAccountEventStore
{
    Task<StoredSnapshot?> LoadAsync(string accountKey);

    /// <summary>
    /// Appends <paramref name="events"/> (sequence numbers <paramref name="expectedVersion"/> + 1 …) and
    /// stores <paramref name="snapshotJson"/>, only if the log still has <paramref name="expectedVersion"/>
    /// events. Returns false, and writes nothing, when it does not. Events and snapshot come as UTF-8 JSON,
    /// the bytes the serializer writes and Redis stores; events are read back as text, the snapshot as those bytes.
    /// </summary>
    Task<bool> AppendAsync(string accountKey, long expectedVersion, IReadOnlyList<ReadOnlyMemory<byte>> events, ReadOnlyMemory<byte> snapshotJson);

    /// <summary>Up to <paramref name="limit"/> events with sequence numbers above <paramref name="afterSeq"/>, in order.</summary>
    Task<IReadOnlyList<string>> ReadEventsAsync(string accountKey, long afterSeq, int limit);

    /// <summary>
    /// The key of every stored account, in no particular order, read incrementally (never all at once). An
    /// admin operation (rebuilding the account index): it visits the whole store.
    /// </summary>
    IAsyncEnumerable<string> ListAccountKeysAsync();
}

/// <summary>Another writer appended to the account's log first; the command was not applied.</summary>
public sealed class EventStoreConcurrencyException(string accountKey, long expectedVersion)
    : Exception($"Account {accountKey} changed concurrently (expected version {expectedVersion}); retry the command.");
