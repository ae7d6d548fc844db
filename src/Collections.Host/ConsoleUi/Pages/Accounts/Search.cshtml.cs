using Collections.Contracts;
using Collections.Grains.Time;
using Collections.Host.Api;
using Collections.Host.Auth;
using Microsoft.AspNetCore.Mvc;

namespace Collections.Host.ConsoleUi.Pages.Accounts;

/// <summary>
/// Account search: the filters of <c>GET …/accounts</c> as the query string of a shareable link, answered
/// by the API's own search handler (its validation, its paging by cursor).
/// </summary>
public sealed class SearchModel(BusinessClock clock) : ConsolePage
{
    /// <summary>The query parameters of the API's search, in its order.</summary>
    public static readonly string[] Filters = ["status", "stage", "bucket", "segment", "riskTier", "agencyId", "customerId", "minBalance", "maxBalance"];

    public string? LenderId { get; private set; }

    public AccountListResponse? Results { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? lenderId)
    {
        if (!await MayAsync(Policies.AccountReader))
        {
            return NotFound();
        }

        // A lender's own keys search their lender; an admin names one.
        LenderId = Who.LenderId ?? lenderId;
        if (LenderId is null)
        {
            return Page();
        }

        if (!LenderScopeFilter.Sees(Who, LenderId))
        {
            return NotFound();
        }

        string? Query(string name) => Request.Query[name].ToString() is { Length: > 0 } value ? value : null;
        var result = (await SearchApi.SearchAsync(LenderId, Grains, clock,
            Query("status"), Query("stage"), Query("bucket"), Query("segment"), Query("riskTier"), Query("agencyId"), Query("customerId"),
            Query("minBalance"), Query("maxBalance"), Query("cursor"), Query("limit") ?? "25")).Result;
        Results = result.Value<AccountListResponse>();
        if (result.Problem() is { } problem)
        {
            Fail("search", problem);
        }

        return Page();
    }

    /// <summary>The link to the next page: the same filters, the API's cursor.</summary>
    public string NextLink(string cursor)
    {
        var query = Request.Query.Where(q => q.Key != "cursor").ToDictionary(q => q.Key, q => q.Value.ToString());
        query["cursor"] = cursor;
        return Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString("/console/accounts", query!);
    }
}
