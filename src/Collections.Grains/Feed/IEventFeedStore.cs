using System.Text;

namespace Collections.Grains.Feed;

/// <summary>One event published to a feed: its position in its account's log and its delivery JSON, as UTF-8.</summary>
public sealed record FeedItem(long Seq, ReadOnlyMemory<byte> Json)
{
    /// <summary>The delivery JSON as text, for the stores that keep text.</summary>
    public string Text => Encoding.UTF8.GetString(Json.Span);
}

/// <summary>An event read from a feed, with the cursor that reads on after it.</summary>
public sealed record FeedEntry(string Cursor, string Json);

/// <summary>
/// The event feeds (one per lender, one per agency): what the accounts committed, in commit order per
/// account, kept at least <see cref="FeedOptions.Retention"/>. Each feed holds, per account, the sequence
/// number its events are published through, so that an account may publish the same events again (after a
/// crash, or from a stale activation) and the feed keeps each once. Cursors are <c>{n}-{m}</c>, opaque to readers.
/// </summary>
public interface IEventFeedStore
{
    /// <summary>Appends the items after the account's watermark, in order, and raises the watermark to <paramref name="through"/>, atomically.</summary>
    Task PublishAsync(string feed, string accountKey, long through, IReadOnlyList<FeedItem> items);

    /// <summary>The sequence number the account's events are published through in the feed (0: none yet).</summary>
    Task<long> PublishedThroughAsync(string feed, string accountKey);

    /// <summary>Up to <paramref name="limit"/> entries after <paramref name="after"/> (from the oldest kept when null).</summary>
    Task<IReadOnlyList<FeedEntry>> ReadAsync(string feed, string? after, int limit);

    /// <summary>The cursor of the newest entry, null when the feed is empty: where a new subscriber starts.</summary>
    Task<string?> EndAsync(string feed);
}

/// <summary>The cursor format both stores share, so the API checks a cursor without asking the store.</summary>
public static class FeedCursor
{
    public static bool IsValid(string cursor)
    {
        var dash = cursor.IndexOf('-', StringComparison.Ordinal);
        return dash is > 0 and <= 20 && cursor.Length - dash - 1 is > 0 and <= 20
            && cursor.AsSpan(0, dash).ContainsOnlyDigits() && cursor.AsSpan(dash + 1).ContainsOnlyDigits();
    }

    private static bool ContainsOnlyDigits(this ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return true;
    }
}
