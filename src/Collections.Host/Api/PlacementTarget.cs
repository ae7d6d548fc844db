using System.Security.Claims;
using Collections.Contracts;
using Collections.Domain.Accounts;
using Collections.Host.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Collections.Host.Api;

/// <summary>
/// A placed account as an agency addresses it, bound with <c>[AsParameters]</c>; the agency's
/// counterpart of <see cref="AccountTarget"/>. Operations under <c>…/placements/{lenderId}/{accountRef}</c>
/// run behind <see cref="PlacementTargetFilter"/>, so the ids here always name an account grain.
/// </summary>
public sealed record PlacementTarget(
    [FromRoute(Name = "agencyId")] string AgencyId,
    [FromRoute(Name = "lenderId")] string LenderId,
    [FromRoute(Name = "accountRef")] string AccountRef,
    [FromServices] IGrainFactory Grains,
    ClaimsPrincipal User)
{
    public IAccountPlacementGrain Account => Grains.GetGrain<IAccountPlacementGrain>(AccountKey.For(LenderId, AccountRef));

    public string Actor => User.Actor();

    /// <summary>The account's own commands, which an agency records as itself (the grain refuses them off its placement).</summary>
    public IAccountGrain Commands => Grains.GetGrain<IAccountGrain>(AccountKey.For(LenderId, AccountRef));

    /// <summary>Who records the agency's work on the account's own commands: the agency, whoever's key calls for it.</summary>
    public string AgencyActor => AccountLifecycle.AgencyActor(AgencyId);

    public string Location => $"/api/v1/agencies/{AgencyId}/placements/{LenderId}/{AccountRef}";

    public ProblemHttpResult NotPlaced() => NotPlacedWith(AgencyId, LenderId, AccountRef);

    /// <summary>The problem of a refused command (404 for an account not placed here); null when it succeeded.</summary>
    public ProblemHttpResult? Refusal(AgencyCommandResult result) => result.RejectionKind switch
    {
        RejectionKind.NotFound => NotPlaced(),
        { } kind => Problems.Rejected(kind, result.Error ?? kind.ToString()),
        null => null,
    };

    /// <summary>The same answer whether the account does not exist, belongs to another lender, was never placed here or was recalled.</summary>
    public static ProblemHttpResult NotPlacedWith(string agencyId, string lenderId, string accountRef) =>
        Problems.NotFound($"Agency '{agencyId}' has no current placement '{lenderId}/{accountRef}'.");
}

/// <summary>Answers 404 once, for every placement operation, when the route's ids cannot name an account.</summary>
public sealed class PlacementTargetFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var agencyId = http.GetRouteValue("agencyId") as string ?? string.Empty;
        var lenderId = http.GetRouteValue("lenderId") as string ?? string.Empty;
        var accountRef = http.GetRouteValue("accountRef") as string ?? string.Empty;
        return Ids.Valid(agencyId, lenderId, accountRef)
            ? await next(context)
            : PlacementTarget.NotPlacedWith(agencyId, lenderId, accountRef);
    }
}
