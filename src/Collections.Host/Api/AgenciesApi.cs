using System.Collections.Immutable;
using System.Globalization;
using Collections.Contracts;
using Collections.Domain;
using Collections.Domain.Accounts;
using Collections.Domain.Agencies;
using Collections.Domain.Contacts;
using Collections.Host.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Collections.Host.Api;

public sealed record AgencyRequest(string? Name, int? Capacity, List<string?>? Lenders, decimal? CommissionRate, List<string?>? Regions);

public sealed record AgencyPromiseRequest(decimal? Amount, DateOnly? DueDate);

public sealed record AgencyActivityRequest(string? Channel, string? Outcome, DateTimeOffset? At, AgencyPromiseRequest? Promise);

public sealed record AgencyReturnRequest(string? Reason);

/// <summary>A page of the work list; <see cref="Next"/> is the cursor of the next page, null at the end.</summary>
public sealed record AgencyWorkPageResponse(IReadOnlyList<PlacementWorkItem> Items, string? Next);

/// <summary>An agency-collected payment: <see cref="Recorded"/> is false when the same payment id was recorded before.</summary>
public sealed record AgencyPaymentResponse(string PaymentId, decimal Amount, bool Recorded, decimal Commission, PlacementEndReason? PlacementEnded, AgencyAccountView? Account);

public sealed record AgencyReturnResponse(string LenderId, string AccountRef, string AgencyId, PlacementEndReason Ended);

/// <summary>One agency's results on the lender's accounts.</summary>
public sealed record LenderAgencyView(
    string AgencyId,
    string Name,
    decimal CommissionRate,
    long Current,
    long Placements,
    ImmutableDictionary<string, long> Ended,
    ImmutableDictionary<string, decimal> PlacedBalance,
    ImmutableDictionary<string, decimal> Collected,
    ImmutableDictionary<string, decimal> CommissionEarned,
    decimal RecoveryRate,
    long ContactAttempts,
    long ContactsReached,
    decimal ContactRate,
    long PromisesMade,
    long PromisesKept,
    long PromisesBroken,
    decimal PromiseKeptRate,
    long Completed,
    decimal CompletedRecoveryRate,
    long Violations,
    long Complaints);

/// <summary>
/// What an agency's command on a placed account left: its view of the account, or null when the command
/// ended the placement (a dispute, a Bankruptcy or Deceased hold).
/// </summary>
public sealed record AgencyActionResponse(string LenderId, string AccountRef, string AgencyId, AgencyAccountView? Account);

public sealed record LenderAgenciesResponse(IReadOnlyList<LenderAgencyView> Items);

/// <summary>
/// Agencies: their profiles (admin), their work lists and the placed accounts they act on (that agency),
/// and each lender's side-by-side view of the agencies serving it. An agency key sees its own agency
/// only; of accounts, only those placed with it now — everything else answers 404.
/// </summary>
public static class AgenciesApi
{
    private const int DefaultPageSize = 100;
    private const int MaxPageSize = 1000;

    /// <summary>The holds an agency may record: what a debtor tells a collector (fraud and legal holds are the lender's).</summary>
    private static readonly HoldType[] AgencyHolds = [HoldType.CeaseCommunication, HoldType.Bankruptcy, HoldType.Deceased, HoldType.Hardship];

    public static IEndpointRouteBuilder MapAgenciesApi(this IEndpointRouteBuilder app)
    {
        var agency = app.MapGroup("/api/v1/agencies/{agencyId}")
            .RequireAuthorization(Policies.AgencyOrAdmin)
            .AddEndpointFilter<AgencyScopeFilter>()
            .WithTags("Agencies");

        agency.MapPut("", PutAsync)
            .RequireAuthorization(Policies.Admin)
            .WithName("PutAgency")
            .ProducesProblems(StatusCodes.Status400BadRequest)
            .WithSummary("Create or replace an agency's profile: name, capacity, lenders and regions served, commission rate (admin)");
        agency.MapGet("", GetAsync)
            .WithName("GetAgency")
            .ProducesProblems(StatusCodes.Status404NotFound)
            .WithSummary("The agency: profile, current placements and performance (admin, or that agency)");
        agency.MapGet("/placements", PlacementsAsync)
            .WithName("GetAgencyPlacements")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound)
            .WithSummary("The agency's work list: its current placements, oldest first, paged by cursor")
            .WithDescription("Pass the previous page's next as cursor; limit is 1–1000 (default 100). Each page costs the same however long the list is.");

        var placed = agency.MapGroup("/placements/{lenderId}/{accountRef}").AddEndpointFilter<PlacementTargetFilter>();
        placed.MapGet("", PlacedAccountAsync)
            .WithName("GetPlacedAccount")
            .ProducesProblems(StatusCodes.Status404NotFound)
            .WithSummary("A placed account as the agency needs it to collect; 404 once recalled or if never placed with the agency");
        placed.MapPost("/activities", ActivityAsync)
            .WithName("RecordAgencyActivity")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Record a contact the agency made (compliance-checked), with a promise to pay if one was taken")
            .WithDescription("A contact that broke a rule is still recorded, as a ContactViolation counted in the agency's violations: 409 with the rule, nextAllowedAt and recorded: true (a promise taken on it is not recorded).");
        placed.MapPost("/payments", PaymentAsync)
            .WithName("RecordAgencyPayment")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict)
            .WithSummary("Record a payment the agency collected (idempotent by paymentId), credited to its performance and commission");
        placed.MapPost("/return", ReturnAsync)
            .WithName("ReturnPlacement")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound)
            .WithSummary("Hand the account back; it may be placed with another agency");
        placed.MapGet("/contact-permission", ContactPermissionAsync)
            .WithName("GetAgencyContactPermission")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound)
            .WithSummary("May the agency contact the debtor on a channel now? The same answer the lender gets");
        placed.MapPost("/disputes", DisputeAsync)
            .WithName("OpenAgencyDispute")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict)
            .WithSummary("Record the dispute the debtor raised with the agency: collection stops and the placement is recalled")
            .WithDescription("Audited with actor agency:{agencyId}; counts as a complaint in the agency's supervision figures. account is null in the answer: the placement ended.");
        placed.MapPost("/holds", HoldAsync)
            .WithName("PlaceAgencyHold")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict)
            .WithSummary("Record what the debtor told the agency: CeaseCommunication, Bankruptcy, Deceased or Hardship")
            .WithDescription("Each hold stops what docs/holds.md says; Bankruptcy and Deceased recall the placement (account is null in the answer).");
        placed.MapPost("/contact-info", ContactInfoAsync)
            .WithName("ChangeAgencyContactInfo")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict)
            .WithSummary("Record the new phone number, email or postal address the debtor gave the agency")
            .WithDescription("source defaults to agency; fields left out stay as they are. Audited as ContactInfoChanged with actor agency:{agencyId}. A new phone number lifts a wrong-number block.");
        placed.MapPost("/promises", PromiseAsync)
            .WithName("MakeAgencyPromise")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Record a promise to pay the debtor made to the agency; kept or broken counts in the agency's figures");
        placed.MapPost("/plans", PlanAsync)
            .WithName("SubmitAgencyPlan")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Propose a payment plan: always 202, pending the lender's approval (POST …/accounts/{accountRef}/plans/approve)")
            .WithDescription("The same limits as the lender's plans (422 outside them); within them it still waits for the lender.");
        placed.MapPost("/settlements", SettlementAsync)
            .WithName("OfferAgencySettlement")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Propose a settlement: always 202, pending the lender's approval (POST …/accounts/{accountRef}/settlements/approve)");
        placed.MapAgencyDocumentsApi();

        agency.MapGet("/statement", StatementAsync)
            .WithName("GetAgencyStatement")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound)
            .WithSummary("The agency's monthly statement (month=yyyy-MM, UTC): per lender, payments credited, commission, placements opened and ended");
        agency.MapAgencyImportApi();

        app.MapGroup("/api/v1/lenders/{lenderId}")
            .RequireAuthorization(Policies.LenderReader)
            .AddEndpointFilter<LenderScopeFilter>()
            .WithTags("Agencies")
            .MapGet("/agencies", LenderAgenciesAsync)
            .WithName("GetLenderAgencies")
            .ProducesProblems(StatusCodes.Status400BadRequest)
            .WithSummary("The agencies serving the lender, side by side: placements, collected, recovery rate, contact rate, promises kept, violations, complaints — on this lender's accounts only");
        app.MapGroup("/api/v1/lenders/{lenderId}")
            .RequireAuthorization(Policies.LenderReader)
            .AddEndpointFilter<LenderScopeFilter>()
            .WithTags("Agencies")
            .MapGet("/agencies/{agencyId}/statement", LenderStatementAsync)
            .WithName("GetLenderAgencyStatement")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound)
            .WithSummary("An agency's monthly statement (month=yyyy-MM, UTC) on this lender's accounts: payments credited, commission, placements opened and ended");

        return app;
    }

    private static async Task<Results<Ok<AgencyView>, ProblemHttpResult>> PutAsync(string agencyId, AgencyRequest request, IGrainFactory grains)
    {
        if (Ids.Invalid("agencyId", agencyId) is { } invalid)
        {
            return invalid;
        }

        var (profile, errors) = AgencyProfile.Create(request.Name, request.Capacity, request.Lenders, request.CommissionRate, request.Regions);
        if (profile is null)
        {
            return Problems.Validation(errors.ToDictionary(e => e.Key, e => new[] { e.Value }));
        }

        return TypedResults.Ok(await grains.GetGrain<IAgencyGrain>(agencyId).PutAsync(profile));
    }

    private static async Task<Results<Ok<AgencyView>, ProblemHttpResult>> GetAsync(string agencyId, IGrainFactory grains)
    {
        var view = Ids.Valid(agencyId) ? await grains.GetGrain<IAgencyGrain>(agencyId).GetAsync() : null;
        return view is null ? UnknownAgency(agencyId) : TypedResults.Ok(view);
    }

    private static async Task<Results<Ok<AgencyWorkPageResponse>, ProblemHttpResult>> PlacementsAsync(string agencyId, IGrainFactory grains, string? cursor = null, int limit = DefaultPageSize)
    {
        var errors = new Dictionary<string, string[]>();
        if (cursor is not null && (!long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var after) || after < 0))
        {
            errors["cursor"] = ["must be the next value of a previous page"];
        }

        if (limit is < 1 or > MaxPageSize)
        {
            errors["limit"] = [$"must be from 1 to {MaxPageSize}"];
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        if (!Ids.Valid(agencyId) || await grains.GetGrain<IAgencyGrain>(agencyId).GetAsync() is null)
        {
            return UnknownAgency(agencyId);
        }

        var page = await grains.GetGrain<IAgencyGrain>(agencyId).GetPlacementsAsync(cursor, limit);
        return TypedResults.Ok(new AgencyWorkPageResponse(page.Items, page.Next));
    }

    private static async Task<Results<Ok<AgencyAccountView>, ProblemHttpResult>> PlacedAccountAsync([AsParameters] PlacementTarget target) =>
        await target.Account.GetAgencyViewAsync(target.AgencyId) is { } view ? TypedResults.Ok(view) : target.NotPlaced();

    private static async Task<Results<Created<AgencyAccountView>, ProblemHttpResult>> ActivityAsync([AsParameters] PlacementTarget target, AgencyActivityRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        if (!Parse.Name<ContactChannel>(request.Channel, out var channel))
        {
            errors["channel"] = [$"must be one of {Parse.Names<ContactChannel>()}"];
        }

        if (!Parse.Name<ContactOutcome>(request.Outcome, out var outcome))
        {
            errors["outcome"] = [$"must be one of {Parse.Names<ContactOutcome>()}"];
        }

        if (request.Promise is { } promise && (promise.Amount is null || promise.DueDate is null))
        {
            errors["promise"] = ["needs amount and dueDate"];
        }
        else if (request.Promise is not null && outcome != ContactOutcome.PromiseToPay && !errors.ContainsKey("outcome"))
        {
            errors["promise"] = ["is recorded with outcome PromiseToPay"];
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var contact = new AgencyContact(channel, outcome, request.At, request.Promise?.Amount, request.Promise?.DueDate);
        var result = await target.Account.RecordAgencyContactAsync(target.AgencyId, contact, target.AgencyActor);
        if (result.Rule is { } rule)
        {
            return ContactsApi.ContactNotAllowed(result.Error, rule, result.NextAllowedAt, result.Recorded);
        }

        return target.Refusal(result) is { } refused ? refused : TypedResults.Created(target.Location, result.View);
    }

    private static async Task<Results<Ok<AgencyPaymentResponse>, ProblemHttpResult>> PaymentAsync([AsParameters] PlacementTarget target, PaymentRequest request)
    {
        if (Parse.Missing(
                ("paymentId", string.IsNullOrWhiteSpace(request.PaymentId), "is required: the agency's unique id of this payment"),
                ("amount", request.Amount is null, "is required")) is { } missing)
        {
            return missing;
        }

        var result = await target.Account.PayThroughAgencyAsync(target.AgencyId, request.PaymentId!, request.Amount!.Value, request.PaidAt, target.Actor);
        return target.Refusal(result) is { } refused
            ? refused
            : TypedResults.Ok(new AgencyPaymentResponse(request.PaymentId!, request.Amount.Value, result.Recorded, result.Commission, result.Ended, result.View));
    }

    private static async Task<Results<Ok<AgencyReturnResponse>, ProblemHttpResult>> ReturnAsync([AsParameters] PlacementTarget target, AgencyReturnRequest request)
    {
        if (Parse.Missing(("reason", string.IsNullOrWhiteSpace(request.Reason), "is required: why the agency returns the account")) is { } missing)
        {
            return missing;
        }

        var result = await target.Account.ReturnPlacementAsync(target.AgencyId, request.Reason!, target.Actor);
        return target.Refusal(result) is { } refused
            ? refused
            : TypedResults.Ok(new AgencyReturnResponse(target.LenderId, target.AccountRef, target.AgencyId, result.Ended ?? PlacementEndReason.Returned));
    }

    private static async Task<Results<Ok<LenderAgenciesResponse>, ProblemHttpResult>> LenderAgenciesAsync(string lenderId, IGrainFactory grains)
    {
        if (Ids.Invalid("lenderId", lenderId) is { } invalid)
        {
            return invalid;
        }

        var listings = await grains.GetGrain<IAgencyDirectoryGrain>(IAgencyDirectoryGrain.Key).ListAsync();
        var serving = listings.Where(l => l.Profile.Lenders.Contains(lenderId, StringComparer.Ordinal)).ToList();
        var performances = await Task.WhenAll(serving.Select(l => grains.GetGrain<IAgencyGrain>(l.AgencyId).GetLenderPerformanceAsync(lenderId)));
        var items = serving.Zip(performances, (listing, p) => new LenderAgencyView(
            listing.AgencyId, listing.Profile.Name, listing.Profile.CommissionRate, p.Current, p.Placements, p.Ended, p.PlacedBalance, p.Collected,
            p.CommissionEarned, p.RecoveryRate, p.ContactAttempts, p.ContactsReached, p.ContactRate, p.PromisesMade, p.PromisesKept, p.PromisesBroken,
            p.PromiseKeptRate, p.Completed, p.CompletedRecoveryRate, p.Violations, p.Complaints)).ToList();
        return TypedResults.Ok(new LenderAgenciesResponse(items));
    }

    private static async Task<Results<Ok<ContactPermissionResponse>, ProblemHttpResult>> ContactPermissionAsync([AsParameters] PlacementTarget target, string? channel)
    {
        if (!Parse.Name<ContactChannel>(channel, out var parsed))
        {
            return Problems.Invalid("channel", $"is required: one of {Parse.Names<ContactChannel>()}");
        }

        if (await target.Account.GetAgencyViewAsync(target.AgencyId) is null)
        {
            return target.NotPlaced();
        }

        var permission = await target.Grains.GetGrain<IAccountContactsGrain>(AccountKey.For(target.LenderId, target.AccountRef)).GetContactPermissionAsync(parsed);
        return permission is null
            ? target.NotPlaced()
            : TypedResults.Ok(new ContactPermissionResponse(permission.Allowed, permission.Rule, permission.Detail, permission.NextAllowedAt));
    }

    private static async Task<Results<Created<AgencyActionResponse>, ProblemHttpResult>> DisputeAsync([AsParameters] PlacementTarget target, DisputeRequest request) =>
        Parse.Missing(("reason", string.IsNullOrWhiteSpace(request.Reason), "is required: what the debtor disputes")) is { } missing
            ? missing
            : await ActAsync(target, target.Commands.OpenDisputeAsync(request.Reason!, target.AgencyActor), r => TypedResults.Created(target.Location, r));

    private static async Task<Results<Created<AgencyActionResponse>, ProblemHttpResult>> HoldAsync([AsParameters] PlacementTarget target, HoldRequest request) =>
        Parse.Name<HoldType>(request.Type, out var type) && AgencyHolds.Contains(type)
            ? await ActAsync(target, target.Commands.PlaceHoldAsync(type, request.Note, target.AgencyActor), r => TypedResults.Created(target.Location, r))
            : Problems.Invalid("type", $"must be one of {string.Join(", ", AgencyHolds)}: the holds an agency records for the debtor");

    private static async Task<Results<Ok<AgencyActionResponse>, ProblemHttpResult>> ContactInfoAsync([AsParameters] PlacementTarget target, ContactInfoRequest request) =>
        await ActAsync(
            target,
            target.Grains.GetGrain<IAccountContactsGrain>(AccountKey.For(target.LenderId, target.AccountRef))
                .ChangeContactInfoAsync(new ContactInfo(request.Phone, request.Email, request.Address, request.Source ?? "agency"), target.AgencyActor),
            r => TypedResults.Ok(r));

    private static async Task<Results<Created<AgencyActionResponse>, ProblemHttpResult>> PromiseAsync([AsParameters] PlacementTarget target, PromiseRequest request) =>
        Parse.Missing(
            ("amount", request.Amount is null, "is required: the amount promised"),
            ("dueDate", request.DueDate is null, "is required: the date it is promised by (yyyy-MM-dd)")) is { } missing
            ? missing
            : await ActAsync(target, target.Commands.MakePromiseAsync(request.Amount!.Value, request.DueDate!.Value, target.AgencyActor), r => TypedResults.Created(target.Location, r));

    private static async Task<Results<Accepted<AgencyActionResponse>, ProblemHttpResult>> PlanAsync([AsParameters] PlacementTarget target, PlanRequest request) =>
        NegotiationApi.Terms(request, out var terms) is { } invalid
            ? invalid
            : await ActAsync(target, target.Commands.SubmitPlanAsync(terms, target.AgencyActor), r => TypedResults.Accepted(target.Location, r));

    private static async Task<Results<Accepted<AgencyActionResponse>, ProblemHttpResult>> SettlementAsync([AsParameters] PlacementTarget target, SettlementRequest request) =>
        Parse.Missing(
            ("amount", request.Amount is null, "is required: the amount that settles the account"),
            ("expiresOn", request.ExpiresOn is null, "is required: the last day the offer can be paid (yyyy-MM-dd)")) is { } missing
            ? missing
            : await ActAsync(target, target.Commands.OfferSettlementAsync(request.Amount!.Value, request.ExpiresOn!.Value, target.AgencyActor), r => TypedResults.Accepted(target.Location, r));

    /// <summary>Runs one of the account's own commands as the agency; a refusal off the placement is the same 404 as everywhere.</summary>
    private static async Task<Results<TSuccess, ProblemHttpResult>> ActAsync<TSuccess>(PlacementTarget target, Task<CommandResult> command, Func<AgencyActionResponse, TSuccess> success)
        where TSuccess : IResult
    {
        var result = await command;
        if (result.RejectionKind is { } kind and not RejectionKind.NotFound)
        {
            return Problems.Rejected(kind, result.Error ?? kind.ToString());
        }

        if (result.RejectionKind is not null || result.View is null)
        {
            return target.NotPlaced();
        }

        var view = await target.Account.GetAgencyViewAsync(target.AgencyId);
        return success(new AgencyActionResponse(target.LenderId, target.AccountRef, target.AgencyId, view));
    }

    private static async Task<Results<Ok<AgencyStatement>, ProblemHttpResult>> StatementAsync(string agencyId, IGrainFactory grains, string? month = null) =>
        await StatementOfAsync(agencyId, null, month, grains);

    private static async Task<Results<Ok<AgencyStatement>, ProblemHttpResult>> LenderStatementAsync(string lenderId, string agencyId, IGrainFactory grains, string? month = null) =>
        Ids.Invalid("lenderId", lenderId) is { } invalid ? invalid : await StatementOfAsync(agencyId, lenderId, month, grains);

    private static async Task<Results<Ok<AgencyStatement>, ProblemHttpResult>> StatementOfAsync(string agencyId, string? lenderId, string? month, IGrainFactory grains)
    {
        if (!DateOnly.TryParseExact(month, "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.None, out var first))
        {
            return Problems.Invalid("month", "is required: the statement month as yyyy-MM (UTC), like 2026-11");
        }

        var statement = Ids.Valid(agencyId)
            ? await grains.GetGrain<IAgencyGrain>(agencyId).GetStatementAsync(first.ToString("yyyy-MM", CultureInfo.InvariantCulture), lenderId)
            : null;
        return statement is null ? UnknownAgency(agencyId) : TypedResults.Ok(statement);
    }

    private static ProblemHttpResult UnknownAgency(string agencyId) => Problems.NotFound($"There is no agency '{agencyId}'.");
}
