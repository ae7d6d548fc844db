using System.Security.Claims;
using Collections.Contracts;
using Collections.Host.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Collections.Host.Api;

/// <summary>
/// The account an operation addresses, bound with <c>[AsParameters]</c> from the route. Every operation
/// under <c>…/accounts/{accountRef}/…</c> runs behind <see cref="AccountTargetFilter"/>, so the ids here
/// always name an account grain; whether the account exists is the grain's answer.
/// </summary>
public sealed record AccountTarget(
    [FromRoute(Name = "lenderId")] string LenderId,
    [FromRoute(Name = "accountRef")] string AccountRef,
    [FromServices] IGrainFactory Grains,
    ClaimsPrincipal User)
{
    public IAccountGrain Account => Grains.GetGrain<IAccountGrain>(AccountKey.For(LenderId, AccountRef));

    public IAccountContactsGrain Contacts => Grains.GetGrain<IAccountContactsGrain>(AccountKey.For(LenderId, AccountRef));

    /// <summary>Who acts, as recorded in the audit trail.</summary>
    public string Actor => User.Actor();

    public string Location => $"/api/v1/lenders/{LenderId}/accounts/{AccountRef}";

    public ProblemHttpResult Unknown() => UnknownAccount(LenderId, AccountRef);

    /// <summary><paramref name="success"/> of the view, or the problem of a refused command or an unknown account.</summary>
    public Results<TSuccess, ProblemHttpResult> Respond<TSuccess>(CommandResult result, Func<AccountView, TSuccess> success)
        where TSuccess : IResult =>
        result is { RejectionKind: null, View: { } view } ? success(view) : Refusal(result);

    /// <summary>The problem of a command that did not succeed: its rejection, or 404 when there is no account.</summary>
    public ProblemHttpResult Refusal(CommandResult result) =>
        result.RejectionKind is { } kind ? Problems.Rejected(kind, result.Error ?? kind.ToString()) : Unknown();

    public static ProblemHttpResult UnknownAccount(string lenderId, string accountRef) =>
        Problems.NotFound($"Lender '{lenderId}' has no account '{accountRef}'.");
}

/// <summary>Answers 404 once, for every account operation, when the route's ids cannot name an account.</summary>
public sealed class AccountTargetFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var lenderId = context.HttpContext.GetRouteValue("lenderId") as string ?? string.Empty;
        var accountRef = context.HttpContext.GetRouteValue("accountRef") as string ?? string.Empty;
        return Ids.Valid(lenderId, accountRef)
            ? await next(context)
            : AccountTarget.UnknownAccount(lenderId, accountRef);
    }
}
