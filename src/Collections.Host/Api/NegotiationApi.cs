using Collections.Contracts;
using Collections.Domain.Accounts;
using Collections.Host.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Collections.Host.Api;

public sealed record PromiseRequest(decimal? Amount, DateOnly? DueDate);

public sealed record InstallmentRequest(DateOnly? DueDate, decimal? Amount);

public sealed record WaiverRequest(decimal? Interest, decimal? Fees, decimal? Penalty);

public sealed record PlanRequest(IReadOnlyList<InstallmentRequest?>? Installments, WaiverRequest? Waive);

public sealed record SettlementRequest(decimal? Amount, DateOnly? ExpiresOn);

/// <summary>Why the lender declines a plan or settlement pending approval (kept in the audit trail).</summary>
public sealed record DeclineRequest(string? Reason);

/// <summary>
/// Negotiation on one account: promises to pay, payment plans and settlements, within the strategy's
/// <c>negotiation</c> limits. 201 in force, 202 waiting for approval, 400 bad input, 409 the account's
/// state forbids it (closed, disputed, on hold, another arrangement open, too many broken promises),
/// 422 outside the strategy's limits (the limit is named). A refused request changes nothing.
/// </summary>
public static class NegotiationApi
{
    public static RouteGroupBuilder MapNegotiationApi(this RouteGroupBuilder account)
    {
        var negotiation = account.MapGroup("").WithTags("Negotiation");
        negotiation.MapPost("/promises", PromiseAsync)
            .WithName("MakePromise")
            .RequireAuthorization(Policies.Negotiator)
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Record a promise to pay; kept or broken is decided on its own after dueDate + promiseGraceDays")
            .WithDescription("An open promise holds escalation until it is decided. Kept: the payments recorded since the promise reach its amount by the end of dueDate + promiseGraceDays (debtor's local time). Broken: escalation resumes at the stage the DPD calls for and the broken count goes up; at maxBrokenPromises new promises are refused with 409. A dueDate more than maxPromiseDays ahead is 422.");
        negotiation.MapPost("/plans", PlanAsync)
            .WithName("SubmitPlan")
            .RequireAuthorization(Policies.Negotiator)
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Submit a payment plan: installments and optional waivers of interest, fees and penalty")
            .WithDescription("The installments plus the waiver must make up the balance exactly (400 otherwise). 201: in force at once. 202: the waiver is above approvalAboveWaiverPercent, so the plan waits for POST …/plans/approve. 422: more than maxInstallments installments or a waiver above maxWaiverPercent. Each installment is checked when its grace ends; a missed one breaks the plan and escalation resumes at the stage the DPD calls for. Paying every installment closes the account as Paid and forgives the waiver.");
        negotiation.MapPost("/plans/approve", ApprovePlanAsync)
            .WithName("ApprovePlan")
            .RequireAuthorization(Policies.LenderOrAdmin)
            .ProducesProblems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict)
            .WithSummary("Approve the plan pending approval (409 when no plan is pending)");
        negotiation.MapPost("/plans/decline", DeclinePlanAsync)
            .WithName("DeclinePlan")
            .RequireAuthorization(Policies.LenderOrAdmin)
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict)
            .WithSummary("Decline the plan pending approval, saying why (409 when no plan is pending)")
            .WithDescription(DeclineDescription);
        negotiation.MapPost("/settlements", SettlementAsync)
            .WithName("OfferSettlement")
            .RequireAuthorization(Policies.Negotiator)
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Offer a settlement below the balance, paid by the end of expiresOn")
            .WithDescription("The amount must be below the balance (400) and at least minSettlementPercent of it (422); expiresOn at most maxPromiseDays ahead (422). 202 when it forgives more than approvalAboveWaiverPercent: POST …/settlements/approve activates it. Paying the amount before expiry closes the account as Settled and records the forgiven remainder; at expiry escalation resumes.");
        negotiation.MapPost("/settlements/approve", ApproveSettlementAsync)
            .WithName("ApproveSettlement")
            .RequireAuthorization(Policies.LenderOrAdmin)
            .ProducesProblems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict)
            .WithSummary("Approve the settlement pending approval (409 when none is pending)");
        negotiation.MapPost("/settlements/decline", DeclineSettlementAsync)
            .WithName("DeclineSettlement")
            .RequireAuthorization(Policies.LenderOrAdmin)
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict)
            .WithSummary("Decline the settlement pending approval, saying why (409 when none is pending)")
            .WithDescription(DeclineDescription);
        return account;
    }

    internal static async Task<Results<Created<AccountView>, ProblemHttpResult>> PromiseAsync([AsParameters] AccountTarget target, PromiseRequest request)
    {
        if (Parse.Missing(
                ("amount", request.Amount is null, "is required: the amount promised"),
                ("dueDate", request.DueDate is null, "is required: the date it is promised by (yyyy-MM-dd)")) is { } missing)
        {
            return missing;
        }

        var result = await target.Account.MakePromiseAsync(request.Amount!.Value, request.DueDate!.Value, target.Actor);
        return target.Respond(result, view => TypedResults.Created(target.Location, view));
    }

    internal static async Task<Results<Created<AccountView>, Accepted<AccountView>, ProblemHttpResult>> PlanAsync([AsParameters] AccountTarget target, PlanRequest request) =>
        Terms(request, out var terms) is { } invalid
            ? invalid
            : Submitted(target, await target.Account.SubmitPlanAsync(terms, target.Actor), view => view.Plan?.Status);

    /// <summary>The plan's terms, or the problem with the request (shared with the agencies' plans).</summary>
    internal static ProblemHttpResult? Terms(PlanRequest request, out PlanTerms terms)
    {
        terms = new PlanTerms([], Waiver.None);
        var installments = request.Installments ?? [];
        var errors = new Dictionary<string, string[]>();
        if (installments.Count == 0)
        {
            errors["installments"] = ["is required: at least one {\"dueDate\",\"amount\"}"];
        }

        for (var i = 0; i < installments.Count; i++)
        {
            if (installments[i] is not { DueDate: not null, Amount: not null })
            {
                errors[$"installments[{i}]"] = ["needs a dueDate (yyyy-MM-dd) and an amount"];
            }
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var waive = request.Waive is { } w ? new Waiver(w.Interest ?? 0, w.Fees ?? 0, w.Penalty ?? 0) : Waiver.None;
        terms = new PlanTerms([.. installments.Select(i => new PlanInstallment(i!.DueDate!.Value, i.Amount!.Value))], waive);
        return null;
    }

    internal static async Task<Results<Ok<AccountView>, ProblemHttpResult>> ApprovePlanAsync([AsParameters] AccountTarget target) =>
        target.Respond(await target.Account.ApprovePlanAsync(target.Actor), TypedResults.Ok);

    private const string DeclineDescription =
        "Body {\"reason\":\"…\"}: required, 1–500 characters, kept in the audit trail (PlanDeclined or SettlementDeclined) and shown on the timeline. " +
        "The pending arrangement is dropped as if it had lapsed (escalation never waited for it) and leaves GET …/approvals; a new one may be made. " +
        "Maker–checker as for approving: the key that submitted it cannot decline it (403).";

    internal static async Task<Results<Ok<AccountView>, ProblemHttpResult>> DeclinePlanAsync([AsParameters] AccountTarget target, DeclineRequest request) =>
        Reason(request, out var reason) ?? target.Respond(await target.Account.DeclinePlanAsync(reason, target.Actor), TypedResults.Ok);

    internal static async Task<Results<Ok<AccountView>, ProblemHttpResult>> DeclineSettlementAsync([AsParameters] AccountTarget target, DeclineRequest request) =>
        Reason(request, out var reason) ?? target.Respond(await target.Account.DeclineSettlementAsync(reason, target.Actor), TypedResults.Ok);

    /// <summary>The trimmed reason of a decline, or the problem with it.</summary>
    private static ProblemHttpResult? Reason(DeclineRequest request, out string reason)
    {
        reason = request.Reason?.Trim() ?? string.Empty;
        return reason.Length is 0 or > AccountLifecycle.MaxDeclineReasonLength
            ? Problems.Validation(new Dictionary<string, string[]>
            {
                ["reason"] = [$"is required: 1–{AccountLifecycle.MaxDeclineReasonLength} characters saying why (kept in the audit trail)"],
            })
            : null;
    }

    internal static async Task<Results<Created<AccountView>, Accepted<AccountView>, ProblemHttpResult>> SettlementAsync([AsParameters] AccountTarget target, SettlementRequest request)
    {
        if (Parse.Missing(
                ("amount", request.Amount is null, "is required: the amount that settles the account"),
                ("expiresOn", request.ExpiresOn is null, "is required: the last day the offer can be paid (yyyy-MM-dd)")) is { } missing)
        {
            return missing;
        }

        var result = await target.Account.OfferSettlementAsync(request.Amount!.Value, request.ExpiresOn!.Value, target.Actor);
        return Submitted(target, result, view => view.Settlement?.Status);
    }

    internal static async Task<Results<Ok<AccountView>, ProblemHttpResult>> ApproveSettlementAsync([AsParameters] AccountTarget target) =>
        target.Respond(await target.Account.ApproveSettlementAsync(target.Actor), TypedResults.Ok);

    /// <summary>201 when the arrangement is in force, 202 when it waits for approval.</summary>
    private static Results<Created<AccountView>, Accepted<AccountView>, ProblemHttpResult> Submitted(AccountTarget target, CommandResult result, Func<AccountView, ApprovalStatus?> status) =>
        result is not { RejectionKind: null, View: { } view } ? target.Refusal(result)
        : status(view) == ApprovalStatus.PendingApproval ? TypedResults.Accepted(target.Location, view)
        : TypedResults.Created(target.Location, view);
}
