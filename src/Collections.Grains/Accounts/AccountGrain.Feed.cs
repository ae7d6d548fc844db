using System.Buffers;
using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Collections.Contracts;
using Collections.Domain;
using Collections.Domain.Events;
using Collections.Grains.Feed;
using Microsoft.Extensions.Logging;

namespace Collections.Grains.Accounts;

/// <summary>
/// The account's outbox of events for lenders and agencies. The event log is the outbox: after an append
/// the account publishes the new events of the types the API lists to its lender's feed (and assignments and
/// recalls to the agency's), in one call per feed; each feed keeps per account the sequence number it is
/// published through, so publishing again is harmless. The wake reminder moves later only after the
/// publish, so a silo that dies in between leaves a wake that finds the gap: the first append or wake of an
/// activation reads the feed's watermark and publishes what the log holds after it. A publish that fails
/// brings the wake forward to retry, like the portfolio report.
/// </summary>
public sealed partial class AccountGrain
{
    /// <summary>The lender feed's event types; types other branches add join by name.</summary>
    private static readonly FrozenSet<string> LenderEventTypes = EventFeeds.LenderEventTypes.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>How far the stored watermark may lag behind an account with no events to publish before it is raised anyway.</summary>
    private const long WatermarkSlack = 64;

    /// <summary>
    /// Publishes <paramref name="appended"/> (and, once per activation, what an earlier one may have left
    /// unpublished). False when it did not land: the caller brings the wake forward to retry it.
    /// </summary>
    private async Task<bool> PublishFeedAsync(ImmutableArray<AccountEvent> appended)
    {
        if (state is null)
        {
            return true;
        }

        var lenderFeed = EventFeeds.Lender(state.LenderId);
        try
        {
            var published = feedPublished ?? await gate.RunAsync(() => feed.PublishedThroughAsync(lenderFeed, Key));
            var firstNew = appended.IsEmpty ? state.Version + 1 : appended[0].Seq;
            var pending = feedPublished is null && published < firstNew - 1
                ? [.. await LoggedAsync(published, firstNew - 1), .. appended]
                : appended;
            var lenderItems = pending.Where(e => LenderEventTypes.Contains(e.Type)).Select(LenderItem).ToList();
            var agencyItems = pending.Select(e => e.Data switch
                {
                    AccountPlaced placed => (placed.AgencyId, Item: AgencyItem(e, "PlacementAssigned")),
                    PlacementRecalled recalled => (recalled.AgencyId, Item: AgencyItem(e, "PlacementRecalled")),
                    _ => default,
                })
                .Where(a => a.AgencyId is not null)
                .ToList();
            if (lenderItems.Count == 0 && agencyItems.Count == 0 && state.Version - published < WatermarkSlack)
            {
                feedPublished = published;
                return true;
            }

            // Agencies first: the lender feed's watermark, the one an activation checks, covers them too.
            foreach (var agency in agencyItems.GroupBy(a => a.AgencyId, StringComparer.Ordinal))
            {
                await gate.RunAsync(() => feed.PublishAsync(EventFeeds.Agency(agency.Key), Key, state.Version, [.. agency.Select(a => a.Item)]));
            }

            await gate.RunAsync(() => feed.PublishAsync(lenderFeed, Key, state.Version, lenderItems));
            feedPublished = state.Version;
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            feedPublished = null;
            LogFeedBehind(logger, ex, Key);
            return false;
        }
    }

    /// <summary>The logged events after <paramref name="after"/> through <paramref name="through"/>.</summary>
    private async Task<List<AccountEvent>> LoggedAsync(long after, long through)
    {
        var events = new List<AccountEvent>();
        while (after < through)
        {
            var from = after;
            var page = await gate.RunAsync(() => store.ReadEventsAsync(Key, from, (int)Math.Min(500, through - from)));
            if (page.Count == 0)
            {
                break;
            }

            events.AddRange(page.Select(AccountEventJson.Deserialize));
            after = events[^1].Seq;
        }

        return events;
    }

    private FeedItem LenderItem(AccountEvent e) => Item(e, e.Type, e.Data);

    /// <summary>An assignment carries the agency's view of the account while the placement lasts (what it would read from the API).</summary>
    private FeedItem AgencyItem(AccountEvent e, string type) =>
        Item(e, type, type == "PlacementAssigned" && state!.Outsourcing.Current?.Id == e.Seq ? AgencyView(state) : e.Data);

    /// <summary>
    /// The delivery document, written straight to UTF-8: <c>data</c> is serialized as its own type, so an
    /// event's data carries no <c>type</c> discriminator (the item's <c>type</c> says it) and is otherwise
    /// the log's. No JSON DOM in between.
    /// </summary>
    private FeedItem Item(AccountEvent e, string type, object data)
    {
        var buffer = FeedItemBuffer ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("id", string.Create(CultureInfo.InvariantCulture, $"{Key}:{e.Seq}"));
            writer.WriteString("type", type);
            writer.WriteString("lenderId", state!.LenderId);
            writer.WriteString("accountRef", state.AccountRef);
            writer.WriteString("at", e.At);
            writer.WritePropertyName("data");
            JsonSerializer.Serialize(writer, data, data.GetType(), DomainJson.Options);
            writer.WriteEndObject();
        }

        return new FeedItem(e.Seq, buffer.WrittenSpan.ToArray());
    }

    /// <summary>Reused by <see cref="Item"/> on each thread (written and copied out within one synchronous call).</summary>
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? FeedItemBuffer;

    [LoggerMessage(EventId = 1051, Level = LogLevel.Warning, Message = "Account {AccountKey} could not publish its events to the feed; the wake retries it")]
    private static partial void LogFeedBehind(ILogger logger, Exception exception, string accountKey);
}
