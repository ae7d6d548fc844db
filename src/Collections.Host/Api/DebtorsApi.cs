using Collections.Contracts;
using Collections.Domain.Accounts;
using Collections.Host.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Collections.Host.Api;

/// <summary>
/// Debtors: the accounts of one person at a lender (same <c>customerId</c>) and what belongs to the person —
/// the holds that stop contact on every account, today's contacts per channel, the wrong numbers.
/// </summary>
public static class DebtorsApi
{
    public static RouteGroupBuilder MapDebtorsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/lenders/{lenderId}/debtors")
            .RequireAuthorization(Policies.AccountReader)
            .AddEndpointFilter<LenderScopeFilter>()
            .WithTags("Debtors");
        group.MapGet("/{customerId}", GetAsync)
            .WithName("GetDebtor")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound)
            .WithSummary("One person's accounts at the lender, their holds, today's contacts per channel and the wrong numbers")
            .WithDescription("404 when no account of the lender has this customerId. Per-person rules (CN daily call caps, cease-communication, bankruptcy, deceased, wrong numbers) apply across these accounts; see docs/contacts.md.");
        return group;
    }

    private static async Task<Results<Ok<DebtorView>, ProblemHttpResult>> GetAsync(string lenderId, string customerId, IGrainFactory grains)
    {
        if (Ids.Invalid("lenderId", lenderId) is { } invalid)
        {
            return invalid;
        }

        if (!AccountRecordParser.IsValidAccountRef(customerId))
        {
            return Problems.NotFound($"Lender '{lenderId}' has no debtor '{customerId}'.");
        }

        return await grains.GetGrain<IDebtorGrain>(DebtorKey.For(lenderId, customerId)).GetViewAsync() is { } view
            ? TypedResults.Ok(view)
            : Problems.NotFound($"Lender '{lenderId}' has no debtor '{customerId}'.");
    }
}
