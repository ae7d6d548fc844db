using System.Globalization;
using Collections.Host.Api;
using Collections.Host.Auth;
using Microsoft.AspNetCore.Mvc;

namespace Collections.Host.ConsoleUi.Pages;

/// <summary>A collector's queue: the team, and "next account" through the API's work queue (leased to this key).</summary>
public sealed class TeamModel : ConsolePage
{
    [FromRoute]
    public string LenderId { get; set; } = string.Empty;

    [FromRoute]
    public string TeamId { get; set; } = string.Empty;

    public TeamResponse Team { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync() => await LoadAsync() ? Page() : NotFound();

    public async Task<IActionResult> OnPostNextAsync()
    {
        if (!await LoadAsync())
        {
            return NotFound();
        }

        var result = (await TeamsApi.NextAsync(LenderId, TeamId, HttpContext, Grains)).Result;
        if (result.Problem() is { } problem)
        {
            Fail("next", problem);
            return Page();
        }

        if (result.Value<NextAccountResponse>() is not { } next)
        {
            Notice = "No account of the team may be called now.";
            return Redirect($"/console/teams/{LenderId}/{TeamId}");
        }

        Notice = $"Next: {next.Reason}.";
        var lease = next.LeaseExpiresAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        return Redirect($"/console/accounts/{LenderId}/{next.AccountRef}?team={Uri.EscapeDataString(TeamId)}&lease={Uri.EscapeDataString(lease)}");
    }

    public async Task<IActionResult> OnPostReleaseAsync()
    {
        if (!await LoadAsync())
        {
            return NotFound();
        }

        var accountRef = Request.Form["accountRef"].ToString();
        var result = (await TeamsApi.ReleaseAsync(LenderId, TeamId, accountRef, HttpContext, Grains)).Result;
        if (result.Problem() is { } problem)
        {
            Fail("next", problem);
            return Page();
        }

        Notice = $"{accountRef} released.";
        return Redirect($"/console/teams/{LenderId}/{TeamId}");
    }

    private async Task<bool> LoadAsync()
    {
        if (!await MayAsync(Policies.CollectorOrLender) || !Ids.Valid(LenderId, TeamId) || !TeamScopeFilter.Sees(Who, LenderId, TeamId))
        {
            return false;
        }

        if ((await TeamsApi.GetAsync(LenderId, TeamId, Grains)).Result.Value<TeamResponse>() is not { } team)
        {
            return false;
        }

        Team = team;
        return true;
    }
}
