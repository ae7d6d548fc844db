using Collections.Contracts;
using Collections.Domain.Accounts;
using Collections.Host.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Collections.Host.Api;

public sealed record DisputeRequest(string? Reason);

public sealed record ResolveDisputeRequest(string? Outcome);

public sealed record HoldRequest(string? Type, string? Note);

/// <summary>
/// Disputes and holds: what stops collection on one account, and lifting it again. Which hold stops
/// what is in <c>docs/holds.md</c>.
/// </summary>
public static class ProtectionApi
{
    private static readonly string HoldTypes = Parse.Names<HoldType>();

    public static RouteGroupBuilder MapProtectionApi(this RouteGroupBuilder account)
    {
        var protection = account.MapGroup("").WithTags("Disputes and holds");
        protection.MapPost("/disputes", OpenDisputeAsync)
            .WithName("OpenDispute")
            .RequireAuthorization(Policies.LenderOrAdmin)
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict)
            .WithSummary("Open a dispute (debt verification): every collection activity stops until it is resolved")
            .WithDescription("Records whether the dispute came within the validation window counted from the first notice. 409 when the account is closed or a dispute is already open.");
        protection.MapPost("/disputes/resolve", ResolveDisputeAsync)
            .WithName("ResolveDispute")
            .RequireAuthorization(Policies.LenderOrAdmin)
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict)
            .WithSummary("Resolve the open dispute: Verified resumes collection at the stage the DPD calls for, Upheld closes the account as WrittenOff");
        protection.MapPost("/holds", PlaceHoldAsync)
            .WithName("PlaceHold")
            .RequireAuthorization(Policies.LenderOrAdmin)
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict)
            .WithSummary("Put a hold on the account (Hardship, Bankruptcy, Deceased, Fraud, CeaseCommunication, LegalHold)")
            .WithDescription("Each type stops what the law and the strategy say it stops (see docs/holds.md; the view lists it under holds[].stops). 409 when the account is closed or already has a hold of that type.");
        protection.MapDelete("/holds/{type}", ReleaseHoldAsync)
            .WithName("ReleaseHold")
            .RequireAuthorization(Policies.LenderOrAdmin)
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound)
            .WithSummary("Release a hold; escalation resumes at the stage the DPD calls for unless something else stops it")
            .WithDescription("404 when the account has no hold of that type.");
        return account;
    }

    private static async Task<Results<Created<AccountView>, ProblemHttpResult>> OpenDisputeAsync([AsParameters] AccountTarget target, DisputeRequest request)
    {
        if (Parse.Missing(("reason", string.IsNullOrWhiteSpace(request.Reason), "is required: what the debtor disputes")) is { } missing)
        {
            return missing;
        }

        var result = await target.Account.OpenDisputeAsync(request.Reason!, target.Actor);
        return target.Respond(result, view => TypedResults.Created(target.Location, view));
    }

    private static async Task<Results<Ok<AccountView>, ProblemHttpResult>> ResolveDisputeAsync([AsParameters] AccountTarget target, ResolveDisputeRequest request) =>
        Parse.Name<DisputeOutcome>(request.Outcome, out var outcome)
            ? target.Respond(await target.Account.ResolveDisputeAsync(outcome, target.Actor), TypedResults.Ok)
            : Problems.Invalid("outcome", "must be Verified or Upheld");

    private static async Task<Results<Created<AccountView>, ProblemHttpResult>> PlaceHoldAsync([AsParameters] AccountTarget target, HoldRequest request) =>
        Parse.Name<HoldType>(request.Type, out var type)
            ? target.Respond(await target.Account.PlaceHoldAsync(type, request.Note, target.Actor), view => TypedResults.Created(target.Location, view))
            : Problems.Invalid("type", $"must be one of {HoldTypes}");

    private static async Task<Results<NoContent, ProblemHttpResult>> ReleaseHoldAsync([AsParameters] AccountTarget target, string type) =>
        Parse.Name<HoldType>(type, out var holdType)
            ? target.Respond(await target.Account.ReleaseHoldAsync(holdType, target.Actor), _ => TypedResults.NoContent())
            : Problems.Invalid("type", $"must be one of {HoldTypes}");
}
