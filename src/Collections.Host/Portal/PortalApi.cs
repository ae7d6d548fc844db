using Collections.Contracts;
using Collections.Domain.Accounts;
using Collections.Domain.Portal;
using Collections.Host.Api;
using Collections.Host.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Collections.Host.Portal;

public sealed record PortalLinkResponse(string Url, DateTimeOffset ExpiresAt);

public sealed record PortalVerifyRequest(string? PhoneLast4);

public sealed record PortalSessionResponse(string Session, DateTimeOffset ExpiresAt, string Language);

public sealed record PortalPromiseRequest(string? AccountRef, decimal? Amount, DateOnly? DueDate);

public sealed record PortalPlanRequest(string? AccountRef, IReadOnlyList<InstallmentRequest?>? Installments, WaiverRequest? Waive);

public sealed record PortalDisputeRequest(string? AccountRef, string? Reason);

public sealed record PortalHardshipRequest(string? AccountRef, string? Note);

public sealed record PortalCallbackRequest(string? AccountRef, DateTimeOffset? From, DateTimeOffset? To, string? Note);

public sealed record PortalPaymentIntentRequest(string? AccountRef, string? Purpose, decimal? Amount);

/// <summary>A payment the debtor started: the lender's payment provider takes it from the <c>PaymentIntentCreated</c> event.</summary>
public sealed record PaymentIntentResponse(string IntentId, string AccountRef, decimal Amount, string Currency, PaymentPurpose Purpose);

/// <summary>
/// The debtor's own page as JSON, for lenders that embed it in their app, and the links to it. Every bad token —
/// never issued, expired or revoked — answers the same 404; a locked one 423 (only its holder can learn that, and
/// a 256-bit token cannot be guessed). Actions need the session a passed check opens, in <c>X-Portal-Session</c>.
/// </summary>
public static class PortalApi
{
    private const string Tag = "Debtor's page";

    public static RouteGroupBuilder MapPortalLinksApi(this RouteGroupBuilder account)
    {
        var links = account.MapGroup("/portal-links").WithTags(Tag);
        links.MapPost("", IssueAsync)
            .WithName("IssuePortalLink")
            .RequireAuthorization(Policies.CollectorOrLender)
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict)
            .WithSummary("Issue a link to the debtor's own page (201 {url, expiresAt})")
            .WithDescription("The URL carries a 256-bit random token and nothing else (no account, name or amount); only its hash is kept. It opens the page of the debtor — every account of the same customerId at this lender — until the strategy's portal.linkDays (default 14) have passed, and asks the last four digits of the phone on file first (400 when the account has none). Audited on the account as PortalLinkIssued (the link's id, never the token). 409 on a closed account.");
        links.MapDelete("", RevokeAsync)
            .WithName("RevokePortalLinks")
            .RequireAuthorization(Policies.CollectorOrLender)
            .ProducesProblems(StatusCodes.Status404NotFound)
            .WithSummary("Revoke every open link to the debtor's page (204); they answer 404 at once")
            .WithDescription("Reaches the links issued on any account of the debtor; audited as PortalLinksRevoked with how many were still open.");
        return account;
    }

    public static void MapPortalApi(this IEndpointRouteBuilder app)
    {
        var portal = app.MapGroup("/api/v1/portal/{token}").AllowAnonymous().WithTags(Tag);
        portal.MapPost("/verify", VerifyAsync)
            .WithName("VerifyPortal")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status423Locked, StatusCodes.Status429TooManyRequests)
            .WithSummary("The knowledge check: the last four digits of the phone on file → a session for X-Portal-Session")
            .WithDescription("200 {session, expiresAt, language}: the session lasts Collections:Portal:SessionLifetime (20 minutes). 403 a wrong answer, with triesLeft; the fifth wrong answer locks the link (423 from then on, for every operation). 404 for any token that is not an open link (unknown, expired and revoked look the same). Rate-limited per token and per client address (429).");
        portal.MapGet("", GetAsync)
            .WithName("GetPortal")
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound, StatusCodes.Status423Locked, StatusCodes.Status429TooManyRequests)
            .WithSummary("What the debtor owes on each of their accounts at the lender, since when, what happens next, and what they may do alone")
            .WithDescription("401 without a session from …/verify. accounts[].actions lists each action with allowed, the reason when not, and its limits (latest promise date, installments and waiver, the published settlement, the call-back window, the amounts to pay now).");
        MapAction<PortalPromiseRequest>(portal, "/promises", PromiseAsync, "PortalMakePromise", "Promise to pay an amount by a date (at most maxPromiseDays ahead)");
        MapAction<PortalPlanRequest>(portal, "/plans", PlanAsync, "PortalSubmitPlan", "Propose a payment plan: in force at once (201), or waiting for the lender when its waiver is above the approval line (202, listed in GET …/approvals)");
        MapAction<PortalDisputeRequest>(portal, "/disputes", DisputeAsync, "PortalOpenDispute", "Dispute the debt with a reason: collection stops until the lender answers");
        MapAction<PortalHardshipRequest>(portal, "/hardship", HardshipAsync, "PortalReportHardship", "\"I'm in financial difficulty\": a Hardship hold the lender reviews");
        MapAction<PortalCallbackRequest>(portal, "/callbacks", CallbackAsync, "PortalRequestCallback", "Ask to be called back between from and to (30 minutes to 12 hours, within 14 days); recorded as CallbackRequested and sent to the lender's webhook");
        portal.MapPost("/payment-intents", PaymentIntentAsync)
            .WithName("PortalCreatePaymentIntent")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status423Locked, StatusCodes.Status429TooManyRequests)
            .WithSummary("Pay now: the arrears, the balance, the published settlement, or another amount (purpose Other)")
            .WithDescription("201 {intentId, accountRef, amount, currency, purpose}. Recorded as PaymentIntentCreated and delivered to the lender's webhook and feed, where the lender's payment provider takes the debtor on; no card data passes through this system, and the payment arrives later as any payment does. Purpose Settlement pays the settlement the lender offered on the account (POST …/settlements), 409 when there is none.");
    }

    private static void MapAction<TRequest>(RouteGroupBuilder portal, string path, Func<string, string?, TRequest, PortalService, Task<Results<Created<PortalPage>, Accepted<PortalPage>, ProblemHttpResult>>> handler, string name, string summary) =>
        portal.MapPost(path, ([FromRoute] string token, [FromHeader(Name = PortalSessions.Header)] string? session, TRequest? request, PortalService service, HttpContext http) =>
                // A generic body type carries no nullability for minimal APIs to read, so they pass null for an empty body.
                request is null
                    ? Task.FromResult<Results<Created<PortalPage>, Accepted<PortalPage>, ProblemHttpResult>>(Problems.BadRequest($"The body is empty. {RequestBodies.Expected(http)}"))
                    : handler(token, session, request, service))
            .WithName(name)
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status422UnprocessableEntity, StatusCodes.Status423Locked, StatusCodes.Status429TooManyRequests)
            .WithSummary(summary)
            .WithDescription("As the debtor (actor debtor@{linkId}), through the same rules as a collector's command: accountRef is one of the debtor's accounts on the page (default: the link's own). Answers the page as GET does.");

    private static async Task<Results<Created<PortalLinkResponse>, ProblemHttpResult>> IssueAsync(
        [AsParameters] AccountTarget target, PortalService portal, IOptions<PortalOptions> options, HttpRequest request)
    {
        var baseUrl = options.Value.PublicUrl ?? new Uri($"{request.Scheme}://{request.Host}");
        var (url, expiresAt, result) = await portal.IssueAsync(target.LenderId, target.AccountRef, target.Actor, baseUrl);
        return url is not null ? TypedResults.Created(target.Location, new PortalLinkResponse(url.ToString(), expiresAt))
            : result.RejectionKind is { } kind ? Problems.Rejected(kind, result.Error ?? kind.ToString())
            : target.Unknown();
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync([AsParameters] AccountTarget target, PortalService portal) =>
        await portal.RevokeAsync(target.LenderId, target.AccountRef, target.Actor) is not null ? TypedResults.NoContent() : target.Unknown();

    internal static async Task<Results<Ok<PortalSessionResponse>, ProblemHttpResult>> VerifyAsync(string token, PortalVerifyRequest request, PortalService portal)
    {
        if (!PortalRules.IsLast4(request.PhoneLast4?.Trim()))
        {
            return Problems.Invalid("phoneLast4", "must be the last four digits of the phone number the lender has for you");
        }

        var check = await portal.CheckAsync(token, request.PhoneLast4!.Trim());
        return check switch
        {
            { Denial: { } denial } => Denied(denial),
            { Right: true, Session: { } session } => TypedResults.Ok(new PortalSessionResponse(session, check.ExpiresAt!.Value, check.Language!)),
            _ => TypedResults.Problem(
                $"That is not the end of the phone number on file. {check.TriesLeft} tries left before the link locks.",
                statusCode: StatusCodes.Status403Forbidden, title: "Wrong answer",
                extensions: new Dictionary<string, object?> { ["triesLeft"] = check.TriesLeft }),
        };
    }

    internal static async Task<Results<Ok<PortalPage>, ProblemHttpResult>> GetAsync(string token, [FromHeader(Name = PortalSessions.Header)] string? session, PortalService portal)
    {
        var (open, denial) = await portal.AuthorizeAsync(token, session);
        return open is null ? Denied(denial!.Value) : TypedResults.Ok(await portal.PageAsync(open));
    }

    internal static Task<Results<Created<PortalPage>, Accepted<PortalPage>, ProblemHttpResult>> PromiseAsync(string token, string? session, PortalPromiseRequest request, PortalService portal) =>
        Parse.Missing(
                ("amount", request.Amount is null, "is required: how much you will pay"),
                ("dueDate", request.DueDate is null, "is required: the day you will pay by (yyyy-MM-dd)")) is { } missing
            ? Task.FromResult<Results<Created<PortalPage>, Accepted<PortalPage>, ProblemHttpResult>>(missing)
            : ActAsync(token, session, request.AccountRef, portal, (account, actor) => account.MakePromiseAsync(request.Amount!.Value, request.DueDate!.Value, actor));

    internal static Task<Results<Created<PortalPage>, Accepted<PortalPage>, ProblemHttpResult>> PlanAsync(string token, string? session, PortalPlanRequest request, PortalService portal) =>
        NegotiationApi.Terms(new PlanRequest(request.Installments, request.Waive), out var terms) is { } invalid
            ? Task.FromResult<Results<Created<PortalPage>, Accepted<PortalPage>, ProblemHttpResult>>(invalid)
            : ActAsync(token, session, request.AccountRef, portal, (account, actor) => account.SubmitPlanAsync(terms, actor),
                view => view.Plan?.Status == ApprovalStatus.PendingApproval);

    internal static Task<Results<Created<PortalPage>, Accepted<PortalPage>, ProblemHttpResult>> DisputeAsync(string token, string? session, PortalDisputeRequest request, PortalService portal) =>
        Parse.Missing(("reason", string.IsNullOrWhiteSpace(request.Reason), "is required: what you dispute and why")) is { } missing
            ? Task.FromResult<Results<Created<PortalPage>, Accepted<PortalPage>, ProblemHttpResult>>(missing)
            : ActAsync(token, session, request.AccountRef, portal, (account, actor) => account.OpenDisputeAsync(request.Reason!, actor));

    internal static Task<Results<Created<PortalPage>, Accepted<PortalPage>, ProblemHttpResult>> HardshipAsync(string token, string? session, PortalHardshipRequest request, PortalService portal) =>
        ActAsync(token, session, request.AccountRef, portal, (account, actor) => account.PlaceHoldAsync(HoldType.Hardship, request.Note, actor));

    internal static Task<Results<Created<PortalPage>, Accepted<PortalPage>, ProblemHttpResult>> CallbackAsync(string token, string? session, PortalCallbackRequest request, PortalService portal) =>
        Parse.Missing(
                ("from", request.From is null, "is required: the start of the window to call you in (with your UTC offset)"),
                ("to", request.To is null, "is required: the end of the window")) is { } missing
            ? Task.FromResult<Results<Created<PortalPage>, Accepted<PortalPage>, ProblemHttpResult>>(missing)
            : ActAsync(token, session, request.AccountRef, portal, (account, actor) =>
                account.AsReference<IAccountPortalGrain>().RequestCallbackAsync(request.From!.Value, request.To!.Value, request.Note, actor));

    internal static async Task<Results<Created<PaymentIntentResponse>, ProblemHttpResult>> PaymentIntentAsync(
        [FromRoute] string token, [FromHeader(Name = PortalSessions.Header)] string? session, PortalPaymentIntentRequest request, PortalService portal)
    {
        if (!Parse.Name<PaymentPurpose>(request.Purpose, out var purpose))
        {
            return Problems.Invalid("purpose", $"must be one of {Parse.Names<PaymentPurpose>()}");
        }

        if (purpose == PaymentPurpose.Other && request.Amount is null)
        {
            return Problems.Invalid("amount", "is required with purpose Other: how much you will pay now");
        }

        var intentId = $"pi_{Guid.NewGuid():N}";
        PaymentIntentResult? created = null;
        var (_, accountRef, problem) = await RunAsync(token, session, request.AccountRef, portal, async (account, actor) =>
        {
            created = await account.AsReference<IAccountPortalGrain>().CreatePaymentIntentAsync(intentId, purpose, purpose == PaymentPurpose.Other ? request.Amount : null, actor);
            return created.Result;
        });
        if (problem is not null)
        {
            return problem;
        }

        return created is { Currency: { } currency }
            ? TypedResults.Created((string?)null, new PaymentIntentResponse(intentId, accountRef!, created.Amount, currency, purpose))
            : Problems.NotFound("The payment was not started; try again.");
    }

    private static async Task<Results<Created<PortalPage>, Accepted<PortalPage>, ProblemHttpResult>> ActAsync(
        string token, string? session, string? accountRef, PortalService portal, Func<IAccountGrain, string, Task<CommandResult>> act, Func<AccountView, bool>? pending = null)
    {
        var (open, target, problem) = await RunAsync(token, session, accountRef, portal, act);
        if (problem is not null)
        {
            return problem;
        }

        var page = await portal.PageAsync(open!);
        var waiting = pending is not null && await portal.FactsAsync(open!.Link, target!) is { } facts && pending(facts.View);
        return waiting ? TypedResults.Accepted((string?)null, page) : TypedResults.Created((string?)null, page);
    }

    /// <summary>The checks every action makes — an open session of the token, an account of the link's person — then the action as the debtor.</summary>
    private static async Task<(OpenLink? Open, string? AccountRef, ProblemHttpResult? Problem)> RunAsync(
        string token, string? session, string? accountRef, PortalService portal, Func<IAccountGrain, string, Task<CommandResult>> act)
    {
        var (open, denial) = await portal.AuthorizeAsync(token, session);
        if (open is null)
        {
            return (null, null, Denied(denial!.Value));
        }

        var target = string.IsNullOrWhiteSpace(accountRef) ? open.Link.AccountRef : accountRef.Trim();
        if (await portal.FactsAsync(open.Link, target) is null)
        {
            return (open, null, Problems.NotFound("There is no such account on this page."));
        }

        var result = await act(portal.Account(open.Link, target), open.Actor);
        return result.RejectionKind is { } kind ? (open, target, Problems.Rejected(kind, result.Error ?? kind.ToString()))
            : result.View is null ? (open, target, Problems.NotFound("There is no such account on this page."))
            : (open, target, null);
    }

    /// <summary>The one answer for a link that opens nothing, by why (see <see cref="PortalDenial"/>).</summary>
    public static ProblemHttpResult Denied(PortalDenial denial) => denial switch
    {
        PortalDenial.Locked => TypedResults.Problem(
            "This link is locked after five wrong answers. Ask your lender for a new one.", statusCode: StatusCodes.Status423Locked, title: "Locked"),
        PortalDenial.NoSession => TypedResults.Problem(
            $"Answer the check first: POST …/verify {{\"phoneLast4\":\"…\"}}, then send the session in the {PortalSessions.Header} header.",
            statusCode: StatusCodes.Status401Unauthorized, title: "Check first"),
        _ => Problems.NotFound("This link is not valid: it may have expired or been revoked. Ask your lender for a new one."),
    };
}
