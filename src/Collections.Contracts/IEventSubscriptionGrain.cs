using System.Collections.Immutable;

namespace Collections.Contracts;

/// <summary>
/// Where a subscriber's events are posted: the URL, the secret they are signed with (never shown again)
/// and, for a lender, the event types it asked for (an agency always gets its assignments and recalls).
/// </summary>
[GenerateSerializer, Immutable, Alias("collections.WebhookSubscription")]
public sealed record WebhookSubscription(
    [property: Id(0)] string Url,
    [property: Id(1)] string Secret,
    [property: Id(2)] ImmutableArray<string> Events);

/// <summary>A subscription as the API shows it: without its secret.</summary>
[GenerateSerializer, Immutable, Alias("collections.WebhookView")]
public sealed record WebhookView(
    [property: Id(0)] string Url,
    [property: Id(1)] ImmutableArray<string> Events,
    [property: Id(2)] DateTimeOffset UpdatedAt);

/// <summary>What came of subscribing: the subscription, or why its URL is refused.</summary>
[GenerateSerializer, Immutable, Alias("collections.WebhookPutResult")]
public sealed record WebhookPutResult(
    [property: Id(0)] WebhookView? View,
    [property: Id(1)] string? UrlError = null);

/// <summary>Where one event's delivery stands: delivered, or failed so far (and retried).</summary>
public enum DeliveryStatus
{
    Delivered,
    Failed,
}

/// <summary>
/// One event's delivery to the subscriber: its attempts so far, and the last answer (an HTTP status, or
/// the error when none came).
/// </summary>
[GenerateSerializer, Immutable, Alias("collections.DeliveryView")]
public sealed record DeliveryView(
    [property: Id(0)] string Id,
    [property: Id(1)] string Type,
    [property: Id(2)] string AccountRef,
    [property: Id(3)] DeliveryStatus Status,
    [property: Id(4)] int Attempts,
    [property: Id(5)] DateTimeOffset FirstAttemptAt,
    [property: Id(6)] DateTimeOffset LastAttemptAt,
    [property: Id(7)] int? LastStatusCode,
    [property: Id(8)] string? LastError);

/// <summary>
/// One subscriber of events — key <c>lender/{lenderId}</c> or <c>agency/{agencyId}</c>, the same name as its
/// feed — and its only deliverer in the cluster: it reads its feed from the cursor in its state and posts
/// each event to its webhook, in feed order, at least once, off the accounts' turns.
/// </summary>
[Alias("collections.IEventSubscriptionGrain")]
public interface IEventSubscriptionGrain : IGrainWithStringKey
{
    /// <summary>Subscribes (or changes the subscription); refused when the URL's host may not be called from here.</summary>
    [Alias("Put")]
    Task<WebhookPutResult> PutAsync(WebhookSubscription subscription);

    /// <summary>The subscription; answered between deliveries' awaits, so a slow endpoint never delays it.</summary>
    [Alias("Get"), Orleans.Concurrency.AlwaysInterleave]
    Task<WebhookView?> GetAsync();

    /// <summary>The most recent deliveries, newest first, of one status or all (answered between deliveries' awaits, like <see cref="GetAsync"/>).</summary>
    [Alias("GetDeliveries"), Orleans.Concurrency.AlwaysInterleave]
    Task<ImmutableArray<DeliveryView>> GetDeliveriesAsync(DeliveryStatus? status);
}

/// <summary>The names of the event feeds (and of their subscriber grains).</summary>
public static class EventFeeds
{
    /// <summary>The event types a lender's feed carries and a lender may subscribe to (API.md "Events out"), in the API's order.</summary>
    public static readonly ImmutableArray<string> LenderEventTypes =
        ["StageEntered", "AccountPlaced", "PlacementRecalled", "PromiseBroken", "PlanBroken", "AccountClosed", "ContactViolation", "SegmentChanged",
         "CallbackRequested", "PaymentIntentCreated"];

    /// <summary>What an agency's feed carries: its assignments (with its view of the account) and their recalls.</summary>
    public static readonly ImmutableArray<string> AgencyEventTypes = ["PlacementAssigned", "PlacementRecalled"];

    public static string Lender(string lenderId) => $"lender/{lenderId}";

    public static string Agency(string agencyId) => $"agency/{agencyId}";
}

/// <summary>One event of a feed, as stored (the delivery JSON), with the cursor that reads on after it.</summary>
[GenerateSerializer, Immutable, Alias("collections.FeedEntryView")]
public sealed record FeedEntryView(
    [property: Id(0)] string Cursor,
    [property: Id(1)] string Json);

/// <summary>Reads feeds for the API (any silo, no state): pulling a feed never waits on its subscriber's deliveries.</summary>
[Alias("collections.IEventFeedReaderGrain")]
public interface IEventFeedReaderGrain : IGrainWithIntegerKey
{
    [Alias("Read"), Orleans.Concurrency.ReadOnly]
    Task<ImmutableArray<FeedEntryView>> ReadAsync(string feed, string? after, int limit);
}
