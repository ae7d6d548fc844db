using Collections.Contracts;
using Collections.Domain.Portfolio;
using Collections.Domain.Strategies;
using Collections.Grains.Time;
using Collections.Host.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Collections.Host.Api;

/// <summary>A lender's portfolio figures, pre-aggregated from account transitions (never a scan of accounts).</summary>
public static class PortfolioApi
{
    public static RouteGroupBuilder MapPortfolioApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/lenders/{lenderId}")
            .RequireAuthorization(Policies.LenderReader)
            .AddEndpointFilter<LenderScopeFilter>()
            .WithTags("Portfolio");
        group.MapGet("/portfolio", GetAsync)
            .WithName("GetPortfolio")
            .ProducesProblems(StatusCodes.Status400BadRequest)
            .WithSummary("Accounts and balances by stage and bucket, collected, roll rates and recovery, per strategy variant")
            .WithDescription("Roll rates are for the current business month: per bucket, the share of its accounts (those in it now plus those that left it this month) that moved on to a later bucket.");
        return group;
    }

    private static async Task<Results<Ok<PortfolioReport>, ProblemHttpResult>> GetAsync(string lenderId, IGrainFactory grains, BusinessClock clock)
    {
        if (Ids.Invalid("lenderId", lenderId) is { } invalid)
        {
            return invalid;
        }

        var counters = await grains.GetGrain<IPortfolioGrain>(lenderId).GetCountersAsync();
        var strategy = await grains.GetGrain<ILenderGrain>(lenderId).GetStrategyAsync(null);
        var buckets = StrategyDocument.Parse(strategy!.Document).Strategy?.Buckets.Select(b => b.Name) ?? [];
        return TypedResults.Ok(PortfolioReport.From(counters, buckets, PortfolioContribution.PeriodOf(clock.Now)));
    }
}
