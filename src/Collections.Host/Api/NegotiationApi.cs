using Collections.Contracts;
using Collections.Domain.Accounts;
using Collections.Host.Auth;

namespace Collections.Host.Api;

public sealed record PromiseRequest(decimal? Amount, DateOnly? DueDate);

public sealed record InstallmentRequest(DateOnly? DueDate, decimal? Amount);

public sealed record WaiverRequest(decimal? Interest, decimal? Fees, decimal? Penalty);

public sealed record PlanRequest(IReadOnlyList<InstallmentRequest?>? Installments, WaiverRequest? Waive);

public sealed record SettlementRequest(decimal? Amount, DateOnly? ExpiresOn);

/// <summary>
/// Negotiation on one account: promises to pay, payment plans and settlements, within the strategy's
/// <c>negotiation</c> limits. 201 in force, 202 waiting for approval, 400 bad input, 409 the account's
/// state forbids it (closed, disputed, on hold, another arrangement open, too many broken promises),
/// 422 outside the strategy's limits (the limit is named). A refused request changes nothing.
/// </summary>
public static class NegotiationApi
{
    public static RouteGroupBuilder MapNegotiationApi(this RouteGroupBuilder accounts)
    {
        accounts.MapPost("/{accountRef}/promises", PromiseAsync)
            .WithTags("Negotiation")
            .Produces<AccountView>(StatusCodes.Status201Created)
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Record a promise to pay; kept or broken is decided on its own after dueDate + promiseGraceDays")
            .WithDescription("An open promise holds escalation until it is decided. Kept: the payments recorded since the promise reach its amount by the end of dueDate + promiseGraceDays (debtor's local time). Broken: escalation resumes at the stage the DPD calls for and the broken count goes up; at maxBrokenPromises new promises are refused with 409. A dueDate more than maxPromiseDays ahead is 422.");
        accounts.MapPost("/{accountRef}/plans", PlanAsync)
            .WithTags("Negotiation")
            .Produces<AccountView>(StatusCodes.Status201Created)
            .Produces<AccountView>(StatusCodes.Status202Accepted)
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Submit a payment plan: installments and optional waivers of interest, fees and penalty")
            .WithDescription("The installments plus the waiver must make up the balance exactly (400 otherwise). 201: in force at once. 202: the waiver is above approvalAboveWaiverPercent, so the plan waits for POST …/plans/approve. 422: more than maxInstallments installments or a waiver above maxWaiverPercent. Each installment is checked when its grace ends; a missed one breaks the plan and escalation resumes at the stage the DPD calls for. Paying every installment closes the account as Paid and forgives the waiver.");
        accounts.MapPost("/{accountRef}/plans/approve", ApprovePlanAsync)
            .WithTags("Negotiation")
            .Produces<AccountView>()
            .ProducesProblems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict)
            .WithSummary("Approve the plan pending approval (409 when no plan is pending)");
        accounts.MapPost("/{accountRef}/settlements", SettlementAsync)
            .WithTags("Negotiation")
            .Produces<AccountView>(StatusCodes.Status201Created)
            .Produces<AccountView>(StatusCodes.Status202Accepted)
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Offer a settlement below the balance, paid by the end of expiresOn")
            .WithDescription("The amount must be below the balance (400) and at least minSettlementPercent of it (422); expiresOn at most maxPromiseDays ahead (422). 202 when it forgives more than approvalAboveWaiverPercent: POST …/settlements/approve activates it. Paying the amount before expiry closes the account as Settled and records the forgiven remainder; at expiry escalation resumes.");
        accounts.MapPost("/{accountRef}/settlements/approve", ApproveSettlementAsync)
            .WithTags("Negotiation")
            .Produces<AccountView>()
            .ProducesProblems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict)
            .WithSummary("Approve the settlement pending approval (409 when none is pending)");
        return accounts;
    }

    private static async Task<IResult> PromiseAsync(string lenderId, string accountRef, PromiseRequest request, HttpContext context, IGrainFactory grains)
    {
        if (AccountResults.Missing(
                ("amount", request.Amount is null, "is required: the amount promised"),
                ("dueDate", request.DueDate is null, "is required: the date it is promised by (yyyy-MM-dd)")) is { } missing)
        {
            return missing;
        }

        if (AccountResults.Grain(grains, lenderId, accountRef) is not { } account)
        {
            return AccountResults.UnknownAccount(lenderId, accountRef);
        }

        var result = await account.MakePromiseAsync(request.Amount!.Value, request.DueDate!.Value, context.User.Actor());
        return AccountResults.Respond(result, lenderId, accountRef, view => TypedResults.Created(AccountResults.Location(lenderId, accountRef), view));
    }

    private static async Task<IResult> PlanAsync(string lenderId, string accountRef, PlanRequest request, HttpContext context, IGrainFactory grains)
    {
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

        if (AccountResults.Grain(grains, lenderId, accountRef) is not { } account)
        {
            return AccountResults.UnknownAccount(lenderId, accountRef);
        }

        var waive = request.Waive is { } w ? new Waiver(w.Interest ?? 0, w.Fees ?? 0, w.Penalty ?? 0) : Waiver.None;
        var terms = new PlanTerms([.. installments.Select(i => new PlanInstallment(i!.DueDate!.Value, i.Amount!.Value))], waive);
        var result = await account.SubmitPlanAsync(terms, context.User.Actor());
        return AccountResults.Respond(result, lenderId, accountRef, view => Submitted(view, view.Plan?.Status, lenderId, accountRef));
    }

    private static async Task<IResult> ApprovePlanAsync(string lenderId, string accountRef, HttpContext context, IGrainFactory grains) =>
        AccountResults.Grain(grains, lenderId, accountRef) is { } account
            ? AccountResults.Respond(await account.ApprovePlanAsync(context.User.Actor()), lenderId, accountRef, TypedResults.Ok)
            : AccountResults.UnknownAccount(lenderId, accountRef);

    private static async Task<IResult> SettlementAsync(string lenderId, string accountRef, SettlementRequest request, HttpContext context, IGrainFactory grains)
    {
        if (AccountResults.Missing(
                ("amount", request.Amount is null, "is required: the amount that settles the account"),
                ("expiresOn", request.ExpiresOn is null, "is required: the last day the offer can be paid (yyyy-MM-dd)")) is { } missing)
        {
            return missing;
        }

        if (AccountResults.Grain(grains, lenderId, accountRef) is not { } account)
        {
            return AccountResults.UnknownAccount(lenderId, accountRef);
        }

        var result = await account.OfferSettlementAsync(request.Amount!.Value, request.ExpiresOn!.Value, context.User.Actor());
        return AccountResults.Respond(result, lenderId, accountRef, view => Submitted(view, view.Settlement?.Status, lenderId, accountRef));
    }

    private static async Task<IResult> ApproveSettlementAsync(string lenderId, string accountRef, HttpContext context, IGrainFactory grains) =>
        AccountResults.Grain(grains, lenderId, accountRef) is { } account
            ? AccountResults.Respond(await account.ApproveSettlementAsync(context.User.Actor()), lenderId, accountRef, TypedResults.Ok)
            : AccountResults.UnknownAccount(lenderId, accountRef);

    /// <summary>201 when the arrangement is in force, 202 when it waits for approval.</summary>
    private static IResult Submitted(AccountView view, ApprovalStatus? status, string lenderId, string accountRef) =>
        status == ApprovalStatus.PendingApproval
            ? TypedResults.Accepted(AccountResults.Location(lenderId, accountRef), view)
            : TypedResults.Created(AccountResults.Location(lenderId, accountRef), view);

    /// <summary>Declares problem responses for OpenAPI.</summary>
    internal static RouteHandlerBuilder ProducesProblems(this RouteHandlerBuilder builder, params int[] statusCodes)
    {
        foreach (var status in statusCodes)
        {
            builder.ProducesProblem(status);
        }

        return builder;
    }
}
