using System.Text;
using Azure;
using Azure.Data.Tables;

namespace Collections.Grains.Storage;

/// <summary>
/// What the grains' stores on Azure Table storage share: how keys are written, how long text is kept in
/// an entity, and which failures mean "someone else wrote first".
/// </summary>
public static class AzureTables
{
    /// <summary>A string property holds at most 64 KiB (32 K UTF-16 characters); longer text spans several.</summary>
    private const int PropertyChars = 30_000;

    /// <summary>
    /// A key as Azure Tables accepts it: '/', '\', '#', '?' and control characters are not allowed in
    /// partition and row keys, and account keys contain '/'. Percent-encoding is reversible and keeps
    /// distinct keys distinct.
    /// </summary>
    public static string Escape(string key) => Uri.EscapeDataString(key);

    public static string Unescape(string key) => Uri.UnescapeDataString(key);

    /// <summary>
    /// The partition of one key of a service: <c>{serviceId}|{escaped key}</c>. The service id prefixes every
    /// partition, as it prefixes every Redis key, so that several services can share a storage account.
    /// </summary>
    public static string Partition(string serviceId, string key) => $"{serviceId}|{Escape(key)}";

    /// <summary>Stores <paramref name="text"/> under <paramref name="name"/>, <c>{name}1</c>, <c>{name}2</c>… as needed.</summary>
    public static void SetText(TableEntity entity, string name, string text)
    {
        var part = 0;
        for (var start = 0; start < text.Length || part == 0; part++)
        {
            var length = Math.Min(PropertyChars, text.Length - start);
            if (length > 0 && start + length < text.Length && char.IsHighSurrogate(text[start + length - 1]))
            {
                length--; // never split a surrogate pair between two properties
            }

            entity[PartName(name, part)] = text.Substring(start, length);
            start += length;
        }
    }

    /// <summary>The text <see cref="SetText"/> stored, or null when the entity has none under <paramref name="name"/>.</summary>
    public static string? GetText(TableEntity entity, string name)
    {
        if (entity.GetString(name) is not { } first)
        {
            return null;
        }

        var text = new StringBuilder(first);
        for (var part = 1; entity.GetString(PartName(name, part)) is { } next; part++)
        {
            text.Append(next);
        }

        return text.ToString();
    }

    /// <summary>One of <paramref name="shards"/> partitions for <paramref name="key"/> by FNV-1a: the same in every process and run (unlike string.GetHashCode).</summary>
    public static int Shard(string key, int shards)
    {
        var hash = 2166136261u;
        foreach (var c in key)
        {
            hash = unchecked((hash ^ c) * 16777619u);
        }

        return (int)(hash % (uint)shards);
    }

    /// <summary>A number in a row key, padded so that the keys sort as the numbers do.</summary>
    public static string Sortable(long value) => Math.Max(0, value).ToString("D19", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Another writer changed (412) or created (409) the entity first: the caller's premise no longer holds.</summary>
    public static bool IsConflict(RequestFailedException failure) => failure.Status is 409 or 412;

    /// <summary>Two rows of a partition by point reads in parallel; null for a row that does not exist.</summary>
    public static async Task<(TableEntity? First, TableEntity? Second)> ReadPairAsync(TableClient table, string partition, string firstRow, string secondRow)
    {
        var first = table.GetEntityIfExistsAsync<TableEntity>(partition, firstRow);
        var second = table.GetEntityIfExistsAsync<TableEntity>(partition, secondRow);
        var (a, b) = (await first, await second);
        return (a.HasValue ? a.Value : null, b.HasValue ? b.Value : null);
    }

    /// <summary>The table, created on first use (creating an existing table is a no-op answered 409 by the service).</summary>
    public static Lazy<Task<TableClient>> Lazily(TableServiceClient service, string tableName) => new(async () =>
    {
        var table = service.GetTableClient(tableName);
        await table.CreateIfNotExistsAsync();
        return table;
    });

    private static string PartName(string name, int part) => part == 0 ? name : $"{name}{part}";
}

/// <summary>
/// Serializes this process's writers of one key (an agency, a portfolio shard) so that they do not
/// race each other for the same entity's ETag; writers in other processes are kept out by the ETag.
/// Striped, so that its memory does not grow with the number of keys.
/// </summary>
public sealed class KeyedLocks
{
    private readonly SemaphoreSlim[] stripes = [.. Enumerable.Range(0, 256).Select(_ => new SemaphoreSlim(1, 1))];

    public async Task<IDisposable> EnterAsync(string key)
    {
        var stripe = stripes[unchecked((uint)StringComparer.Ordinal.GetHashCode(key)) % (uint)stripes.Length];
        await stripe.WaitAsync();
        return new Releaser(stripe);
    }

    private sealed class Releaser(SemaphoreSlim stripe) : IDisposable
    {
        private int released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0)
            {
                stripe.Release();
            }
        }
    }
}
