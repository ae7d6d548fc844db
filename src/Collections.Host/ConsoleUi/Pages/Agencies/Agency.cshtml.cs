using System.Globalization;
using Collections.Contracts;
using Collections.Grains.Time;
using Collections.Host.Api;
using Collections.Host.Auth;
using Microsoft.AspNetCore.Mvc;

namespace Collections.Host.ConsoleUi.Pages.Agencies;

/// <summary>An agency's work list (its current placements, paged by the API's cursor) and its monthly statement.</summary>
public sealed class AgencyModel(BusinessClock clock) : ConsolePage
{
    [FromRoute]
    public string AgencyId { get; set; } = string.Empty;

    public AgencyWorkPageResponse Placements { get; private set; } = new([], null);

    public AgencyStatement? Statement { get; private set; }

    public string Month { get; private set; } = string.Empty;

    public async Task<IActionResult> OnGetAsync(string? cursor, string? month)
    {
        if (!await MayAsync(Policies.AgencyOrAdmin) || !AgencyScopeFilter.Sees(Who, AgencyId) || !Ids.Valid(AgencyId))
        {
            return NotFound();
        }

        var placements = (await AgenciesApi.PlacementsAsync(AgencyId, Grains, cursor, 25)).Result;
        if (placements.Problem() is { Status: StatusCodes.Status404NotFound })
        {
            return NotFound();
        }

        if (placements.Problem() is { } problem)
        {
            Fail("placements", problem);
        }

        Placements = placements.Value<AgencyWorkPageResponse>() ?? new([], null);
        Month = month ?? clock.Now.UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture);
        var statement = (await AgenciesApi.StatementAsync(AgencyId, Grains, Month)).Result;
        if (statement.Problem() is { } invalid)
        {
            Fail("statement", invalid);
        }

        Statement = statement.Value<AgencyStatement>();
        return Page();
    }
}
