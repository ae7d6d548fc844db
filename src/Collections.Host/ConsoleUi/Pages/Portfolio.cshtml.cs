using Collections.Domain.Portfolio;
using Collections.Grains.Time;
using Collections.Host.Api;
using Collections.Host.Auth;
using Microsoft.AspNetCore.Mvc;

namespace Collections.Host.ConsoleUi.Pages;

/// <summary>The lender's portfolio and its agencies side by side, from the API's own portfolio and agencies handlers.</summary>
public sealed class PortfolioModel(BusinessClock clock) : ConsolePage
{
    [FromRoute]
    public string LenderId { get; set; } = string.Empty;

    public PortfolioReport Report { get; private set; } = null!;

    public IReadOnlyList<LenderAgencyView> Agencies { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        if (!await MayAsync(Policies.LenderReader) || !LenderScopeFilter.Sees(Who, LenderId) || !Ids.Valid(LenderId))
        {
            return NotFound();
        }

        if ((await PortfolioApi.GetAsync(LenderId, Grains, clock)).Result.Value<PortfolioReport>() is not { } report)
        {
            return NotFound();
        }

        Report = report;
        Agencies = (await AgenciesApi.LenderAgenciesAsync(LenderId, Grains)).Result.Value<LenderAgenciesResponse>()?.Items ?? [];
        return Page();
    }
}
