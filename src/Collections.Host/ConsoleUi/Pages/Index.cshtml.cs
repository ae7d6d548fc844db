using Collections.Contracts;
using Collections.Host.Api;
using Microsoft.AspNetCore.Mvc;

namespace Collections.Host.ConsoleUi.Pages;

/// <summary>The console's start: every key but admin goes straight to its own work; an admin chooses.</summary>
public sealed class IndexModel : ConsolePage
{
    public IActionResult OnGet() => Who.Role == ApiRole.Admin ? Page() : Redirect(ConsoleSetup.Home(Who));

    /// <summary>The admin's choice as the page's stable link.</summary>
    public IActionResult OnGetGo(string? page, string? id, string? teamId) => (page, id, teamId) switch
    {
        (_, null, _) => BadRequest(),
        (_, { } value, _) when !Ids.Valid(value) => BadRequest(),
        ("approvals" or "portfolio" or "agencies", { } value, _) => Redirect($"/console/{page}/{value}"),
        ("teams", { } lender, { } team) when Ids.Valid(team) => Redirect($"/console/teams/{lender}/{team}"),
        _ => BadRequest(),
    };
}
