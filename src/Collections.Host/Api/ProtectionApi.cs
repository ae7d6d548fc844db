using Collections.Contracts;
using Collections.Domain.Accounts;
using Collections.Host.Auth;

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
    private static readonly string HoldTypes = string.Join(", ", Enum.GetNames<HoldType>());

    public static RouteGroupBuilder MapProtectionApi(this RouteGroupBuilder accounts)
    {
        accounts.MapPost("/{accountRef}/disputes", OpenDisputeAsync)
            .WithTags("Disputes and holds")
            .Produces<AccountView>(StatusCodes.Status201Created)
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict)
            .WithSummary("Open a dispute (debt verification): every collection activity stops until it is resolved")
            .WithDescription("Records whether the dispute came within the validation window counted from the first notice. 409 when the account is closed or a dispute is already open.");
        accounts.MapPost("/{accountRef}/disputes/resolve", ResolveDisputeAsync)
            .WithTags("Disputes and holds")
            .Produces<AccountView>()
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict)
            .WithSummary("Resolve the open dispute: Verified resumes collection at the stage the DPD calls for, Upheld closes the account as WrittenOff");
        accounts.MapPost("/{accountRef}/holds", PlaceHoldAsync)
            .WithTags("Disputes and holds")
            .Produces<AccountView>(StatusCodes.Status201Created)
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict)
            .WithSummary("Put a hold on the account (Hardship, Bankruptcy, Deceased, Fraud, CeaseCommunication, LegalHold)")
            .WithDescription("Each type stops what the law and the strategy say it stops (see docs/holds.md; the view lists it under holds[].stops). 409 when the account is closed or already has a hold of that type.");
        accounts.MapDelete("/{accountRef}/holds/{type}", ReleaseHoldAsync)
            .WithTags("Disputes and holds")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound)
            .WithSummary("Release a hold; escalation resumes at the stage the DPD calls for unless something else stops it")
            .WithDescription("404 when the account has no hold of that type.");
        return accounts;
    }

    private static async Task<IResult> OpenDisputeAsync(string lenderId, string accountRef, DisputeRequest request, HttpContext context, IGrainFactory grains)
    {
        if (AccountResults.Missing(("reason", string.IsNullOrWhiteSpace(request.Reason), "is required: what the debtor disputes")) is { } missing)
        {
            return missing;
        }

        if (AccountResults.Grain(grains, lenderId, accountRef) is not { } account)
        {
            return AccountResults.UnknownAccount(lenderId, accountRef);
        }

        var result = await account.OpenDisputeAsync(request.Reason!, context.User.Actor());
        return AccountResults.Respond(result, lenderId, accountRef, view => TypedResults.Created(AccountResults.Location(lenderId, accountRef), view));
    }

    private static async Task<IResult> ResolveDisputeAsync(string lenderId, string accountRef, ResolveDisputeRequest request, HttpContext context, IGrainFactory grains)
    {
        if (!TryParse<DisputeOutcome>(request.Outcome, out var outcome))
        {
            return Problems.Validation(new Dictionary<string, string[]> { ["outcome"] = ["must be Verified or Upheld"] });
        }

        if (AccountResults.Grain(grains, lenderId, accountRef) is not { } account)
        {
            return AccountResults.UnknownAccount(lenderId, accountRef);
        }

        return AccountResults.Respond(await account.ResolveDisputeAsync(outcome, context.User.Actor()), lenderId, accountRef, TypedResults.Ok);
    }

    private static async Task<IResult> PlaceHoldAsync(string lenderId, string accountRef, HoldRequest request, HttpContext context, IGrainFactory grains)
    {
        if (!TryParse<HoldType>(request.Type, out var type))
        {
            return Problems.Validation(new Dictionary<string, string[]> { ["type"] = [$"must be one of {HoldTypes}"] });
        }

        if (AccountResults.Grain(grains, lenderId, accountRef) is not { } account)
        {
            return AccountResults.UnknownAccount(lenderId, accountRef);
        }

        var result = await account.PlaceHoldAsync(type, request.Note, context.User.Actor());
        return AccountResults.Respond(result, lenderId, accountRef, view => TypedResults.Created(AccountResults.Location(lenderId, accountRef), view));
    }

    private static async Task<IResult> ReleaseHoldAsync(string lenderId, string accountRef, string type, HttpContext context, IGrainFactory grains)
    {
        if (!TryParse<HoldType>(type, out var holdType))
        {
            return Problems.Validation(new Dictionary<string, string[]> { ["type"] = [$"must be one of {HoldTypes}"] });
        }

        if (AccountResults.Grain(grains, lenderId, accountRef) is not { } account)
        {
            return AccountResults.UnknownAccount(lenderId, accountRef);
        }

        var result = await account.ReleaseHoldAsync(holdType, context.User.Actor());
        return AccountResults.Respond(result, lenderId, accountRef, _ => TypedResults.NoContent());
    }

    /// <summary>An enum by its exact name only: no numbers, no other casing (the API's enums are names).</summary>
    internal static bool TryParse<T>(string? text, out T value)
        where T : struct, Enum =>
        Enum.TryParse(text, ignoreCase: false, out value) && Enum.IsDefined(value) && !int.TryParse(text, out _);
}
