using System.Collections.Immutable;
using System.Text.Json;
using Collections.Contracts;
using Collections.Grains.Feed;
using Collections.Host.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Collections.Host.Api;

public sealed record LenderWebhookRequest(string? Url, string? Secret, List<string?>? Events);

public sealed record AgencyWebhookRequest(string? Url, string? Secret);

/// <summary>A page of a feed: <see cref="Next"/> is the cursor to read on from (the same as <c>after</c> when nothing is new).</summary>
public sealed record FeedPageResponse(IReadOnlyList<JsonElement> Items, string? Next);

public sealed record DeliveriesResponse(IReadOnlyList<DeliveryView> Items);

/// <summary>
/// Events out: a lender's webhook (the event types it asked for) and its pull feed, an agency's webhook (its
/// assignments and recalls), and each subscriber's recent deliveries. Events come from the accounts'
/// committed events (see AccountGrain.Feed.cs); delivery is the subscriber grain's (EventSubscriptionGrain).
/// </summary>
public static class EventsApi
{
    private const int DefaultPageSize = 100;
    private const int MaxPageSize = 1000;

    public static IEndpointRouteBuilder MapEventsApi(this IEndpointRouteBuilder app)
    {
        var lender = app.MapGroup("/api/v1/lenders/{lenderId}")
            .RequireAuthorization(Policies.LenderScoped)
            .AddEndpointFilter<LenderScopeFilter>()
            .WithTags("Events");
        lender.MapPut("/webhook", PutLenderWebhookAsync)
            .WithName("PutLenderWebhook")
            .RequireAuthorization(Policies.LenderOrAdmin)
            .ProducesProblems(StatusCodes.Status400BadRequest)
            .WithSummary("Subscribe the lender's webhook to event types; each event is posted once committed, signed, in order per account")
            .WithDescription("url is https (or http); its host may not be loopback, link-local or private outside Development. secret: 16–256 characters, " +
                             "the HMAC-SHA256 key of X-Collections-Signature. events: any of " + string.Join(", ", EventFeeds.LenderEventTypes) + ".");
        lender.MapGet("/webhook", GetLenderWebhookAsync)
            .WithName("GetLenderWebhook")
            .RequireAuthorization(Policies.LenderReader)
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound)
            .WithSummary("The lender's webhook subscription (without its secret)");
        lender.MapGet("/webhook/deliveries", LenderDeliveriesAsync)
            .WithName("GetLenderWebhookDeliveries")
            .RequireAuthorization(Policies.LenderReader)
            .ProducesProblems(StatusCodes.Status400BadRequest)
            .WithSummary("Recent deliveries to the lender's webhook, newest first, with their attempts (status=failed|delivered to filter)");
        lender.MapGet("/feed", FeedAsync)
            .WithName("GetLenderFeed")
            .RequireAuthorization(Policies.LenderReader)
            .ProducesProblems(StatusCodes.Status400BadRequest)
            .WithSummary("The lender's events to pull, in commit order per account, kept at least 7 days")
            .WithDescription("Pass the previous page's next as after; limit is 1–1000 (default 100). Drop repeats by id.");

        var agency = app.MapGroup("/api/v1/agencies/{agencyId}")
            .RequireAuthorization(Policies.AgencyOrAdmin)
            .AddEndpointFilter<AgencyScopeFilter>()
            .WithTags("Events");
        agency.MapPut("/webhook", PutAgencyWebhookAsync)
            .WithName("PutAgencyWebhook")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound)
            .WithSummary("Subscribe the agency's webhook: PlacementAssigned (with the agency's view of the account) and PlacementRecalled")
            .WithDescription("Same url and secret rules as the lender webhook.");
        agency.MapGet("/webhook/deliveries", AgencyDeliveriesAsync)
            .WithName("GetAgencyWebhookDeliveries")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound)
            .WithSummary("Recent deliveries to the agency's webhook, newest first, with their attempts");
        return app;
    }

    private static async Task<Results<Ok<WebhookView>, ProblemHttpResult>> PutLenderWebhookAsync(string lenderId, LenderWebhookRequest request, IGrainFactory grains)
    {
        if (Ids.Invalid("lenderId", lenderId) is { } invalid)
        {
            return invalid;
        }

        var errors = Check(request.Url, request.Secret);
        if (request.Events is not { Count: > 0 })
        {
            errors["events"] = [$"is required: one or more of {string.Join(", ", EventFeeds.LenderEventTypes)}"];
        }
        else if (request.Events.Where(e => e is null || !EventFeeds.LenderEventTypes.Contains(e)).ToList() is { Count: > 0 } unknown)
        {
            errors["events"] = [$"'{string.Join("', '", unknown)}' is not an event type; known: {string.Join(", ", EventFeeds.LenderEventTypes)}"];
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        return await PutAsync(grains, EventFeeds.Lender(lenderId), new WebhookSubscription(request.Url!, request.Secret!, [.. request.Events!.Distinct()!]));
    }

    private static async Task<Results<Ok<WebhookView>, ProblemHttpResult>> GetLenderWebhookAsync(string lenderId, IGrainFactory grains)
    {
        if (Ids.Invalid("lenderId", lenderId) is { } invalid)
        {
            return invalid;
        }

        return await grains.GetGrain<IEventSubscriptionGrain>(EventFeeds.Lender(lenderId)).GetAsync() is { } view
            ? TypedResults.Ok(view)
            : Problems.NotFound($"Lender '{lenderId}' has no webhook; PUT one to subscribe.");
    }

    private static async Task<Results<Ok<DeliveriesResponse>, ProblemHttpResult>> LenderDeliveriesAsync(string lenderId, IGrainFactory grains, string? status = null) =>
        Ids.Invalid("lenderId", lenderId) is { } invalid ? invalid : await DeliveriesAsync(grains, EventFeeds.Lender(lenderId), status);

    private static async Task<Results<Ok<FeedPageResponse>, ProblemHttpResult>> FeedAsync(string lenderId, IGrainFactory grains, string? after = null, int limit = DefaultPageSize)
    {
        var errors = new Dictionary<string, string[]>();
        if (Ids.Invalid("lenderId", lenderId) is { } invalid)
        {
            return invalid;
        }

        if (after is not null && !FeedCursor.IsValid(after))
        {
            errors["after"] = ["must be the next value of a previous page"];
        }

        if (limit is < 1 or > MaxPageSize)
        {
            errors["limit"] = [$"must be from 1 to {MaxPageSize}"];
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var page = await grains.GetGrain<IEventFeedReaderGrain>(0).ReadAsync(EventFeeds.Lender(lenderId), after, limit);
        var items = page.Select(e => JsonSerializer.Deserialize<JsonElement>(e.Json)).ToList();
        return TypedResults.Ok(new FeedPageResponse(items, page.IsEmpty ? after : page[^1].Cursor));
    }

    private static async Task<Results<Ok<WebhookView>, ProblemHttpResult>> PutAgencyWebhookAsync(string agencyId, AgencyWebhookRequest request, IGrainFactory grains)
    {
        if (!Ids.Valid(agencyId) || await grains.GetGrain<IAgencyGrain>(agencyId).GetAsync() is null)
        {
            return Problems.NotFound($"There is no agency '{agencyId}'.");
        }

        var errors = Check(request.Url, request.Secret);
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        return await PutAsync(grains, EventFeeds.Agency(agencyId), new WebhookSubscription(request.Url!, request.Secret!, EventFeeds.AgencyEventTypes));
    }

    private static async Task<Results<Ok<DeliveriesResponse>, ProblemHttpResult>> AgencyDeliveriesAsync(string agencyId, IGrainFactory grains, string? status = null) =>
        !Ids.Valid(agencyId) || await grains.GetGrain<IAgencyGrain>(agencyId).GetAsync() is null
            ? Problems.NotFound($"There is no agency '{agencyId}'.")
            : await DeliveriesAsync(grains, EventFeeds.Agency(agencyId), status);

    private static async Task<Results<Ok<WebhookView>, ProblemHttpResult>> PutAsync(IGrainFactory grains, string subscriber, WebhookSubscription subscription)
    {
        var result = await grains.GetGrain<IEventSubscriptionGrain>(subscriber).PutAsync(subscription);
        return result.View is { } view ? TypedResults.Ok(view) : Problems.Invalid("url", result.UrlError!);
    }

    private static async Task<Results<Ok<DeliveriesResponse>, ProblemHttpResult>> DeliveriesAsync(IGrainFactory grains, string subscriber, string? status)
    {
        DeliveryStatus? filter = null;
        if (status is not null)
        {
            // Lower case as the API writes it (status=failed), or as the items show it.
            if (!Parse.Name<DeliveryStatus>(status.Length > 0 ? char.ToUpperInvariant(status[0]) + status[1..] : status, out var parsed))
            {
                return Problems.Invalid("status", "must be failed or delivered");
            }

            filter = parsed;
        }

        return TypedResults.Ok(new DeliveriesResponse(await grains.GetGrain<IEventSubscriptionGrain>(subscriber).GetDeliveriesAsync(filter)));
    }

    /// <summary>The URL and secret every webhook needs; the URL's host is checked by the subscriber grain (it resolves names).</summary>
    private static Dictionary<string, string[]> Check(string? url, string? secret)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(url))
        {
            errors["url"] = ["is required: the https URL events are posted to"];
        }
        else if (url.Length > 2048 || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
                 || !string.IsNullOrEmpty(uri.UserInfo) || !string.IsNullOrEmpty(uri.Fragment))
        {
            errors["url"] = ["must be an absolute https (or http) URL of at most 2048 characters, without user info or fragment"];
        }

        if (secret is not { Length: >= 16 and <= 256 })
        {
            errors["secret"] = ["is required: 16–256 characters, the key the signature is computed with"];
        }

        return errors;
    }
}
