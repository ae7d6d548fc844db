using Collections.Contracts;
using Collections.Domain;
using Collections.Domain.Queues;
using Collections.Host.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Collections.Host.Api;

public sealed record TeamRequest(string? Name, List<string?>? Stages, List<string?>? Segments, int? LeaseMinutes);

/// <summary>A team as defined, with its queue now: accounts in its scope and those leased to its collectors.</summary>
public sealed record TeamResponse(string TeamId, string Name, IReadOnlyList<Stage> Stages, IReadOnlyList<string> Segments, int LeaseMinutes, long Queued, long Leased);

/// <summary>The account a collector should call now, leased to them until <see cref="LeaseExpiresAt"/>.</summary>
public sealed record NextAccountResponse(string AccountRef, DateTimeOffset LeaseExpiresAt, string Reason, AccountView Account);

/// <summary>
/// Teams of the lender's own collectors and their compliant work queues: <c>next</c> hands out the
/// highest-priority account of the team's scope that may be called now, leased to that collector.
/// What the collector records then goes through the account's own endpoints (contacts, promises, plans).
/// </summary>
public static class TeamsApi
{
    public static RouteGroupBuilder MapTeamsApi(this IEndpointRouteBuilder app)
    {
        var team = app.MapGroup("/api/v1/lenders/{lenderId}/teams/{teamId}")
            .AddEndpointFilter<TeamScopeFilter>()
            .WithTags("Teams");
        team.MapPut("", PutAsync)
            .RequireAuthorization(Policies.LenderOrAdmin)
            .WithName("PutTeam")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound)
            .WithSummary("Define a team: the stages (and segments) of the accounts it works, and how long a collector keeps an account")
            .WithDescription("stages: at least one of Notice, Early, Mid, Legal, ChargedOff; segments: none means every segment; leaseMinutes 1–480, default 15. Every problem is named at once.");
        team.MapGet("", GetAsync)
            .RequireAuthorization(Policies.CollectorOrLender)
            .WithName("GetTeam")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound)
            .WithSummary("The team, with the accounts queued in its scope and those leased to its collectors now");
        team.MapPost("/next", NextAsync)
            .RequireAuthorization(Policies.CollectorOrLender)
            .WithName("NextTeamAccount")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound)
            .WithSummary("The next account to call: the team's highest-priority account that may be called now, leased to this collector; 204 when none may")
            .WithDescription("Priority: a broken promise nothing has replaced, then a later DPD bucket, a higher balance, a lower score, then accountRef. Only accounts the contact policy lets be called now (the debtor's hours, caps, waits, no dispute or hold), confirmed by the account itself. No other collector gets the account until the lease is released, expires, or the account leaves the team's stages or segments.");
        team.MapPost("/leases/{accountRef}/release", ReleaseAsync)
            .RequireAuthorization(Policies.CollectorOrLender)
            .WithName("ReleaseTeamLease")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict)
            .WithSummary("Give back a leased account before its lease expires (204, also when it was no longer leased)")
            .WithDescription("409 when another collector holds it; the lender's and admin keys may release any lease.");
        return team;
    }

    private static async Task<Results<Ok<TeamResponse>, ProblemHttpResult>> PutAsync(string lenderId, string teamId, TeamRequest request, IGrainFactory grains)
    {
        var (parsed, errors) = Team.Parse(request.Name, request.Stages, request.Segments, request.LeaseMinutes);
        if (parsed is null)
        {
            return Problems.Validation(errors);
        }

        await grains.GetGrain<ITeamGrain>(TeamKey(lenderId, teamId)).PutAsync(parsed);
        return TypedResults.Ok(await ResponseAsync(grains, lenderId, teamId, parsed));
    }

    private static async Task<Results<Ok<TeamResponse>, ProblemHttpResult>> GetAsync(string lenderId, string teamId, IGrainFactory grains) =>
        await grains.GetGrain<ITeamGrain>(TeamKey(lenderId, teamId)).GetAsync() is { } team
            ? TypedResults.Ok(await ResponseAsync(grains, lenderId, teamId, team))
            : UnknownTeam(lenderId, teamId);

    private static async Task<Results<Ok<NextAccountResponse>, NoContent, ProblemHttpResult>> NextAsync(string lenderId, string teamId, HttpContext context, IGrainFactory grains)
    {
        if (await grains.GetGrain<ITeamGrain>(TeamKey(lenderId, teamId)).GetAsync() is not { } team)
        {
            return UnknownTeam(lenderId, teamId);
        }

        var next = await grains.GetGrain<IWorkQueueGrain>(lenderId).NextAsync(teamId, team, context.User.Actor());
        return next is null
            ? TypedResults.NoContent()
            : TypedResults.Ok(new NextAccountResponse(next.AccountRef, next.LeaseExpiresAt, next.Reason, next.Account));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> ReleaseAsync(string lenderId, string teamId, string accountRef, HttpContext context, IGrainFactory grains)
    {
        if (Ids.Invalid("accountRef", accountRef) is { } invalid)
        {
            return invalid;
        }

        if (await grains.GetGrain<ITeamGrain>(TeamKey(lenderId, teamId)).GetAsync() is null)
        {
            return UnknownTeam(lenderId, teamId);
        }

        var owner = context.User.Principal()?.Role is ApiRole.Admin or ApiRole.Lender;
        var released = await grains.GetGrain<IWorkQueueGrain>(lenderId).ReleaseAsync(accountRef, context.User.Actor(), anyHolder: owner);
        return released == LeaseRelease.HeldByAnother
            ? TypedResults.Problem($"Account '{accountRef}' is leased to another collector; only they, or the lender, can release it.", statusCode: StatusCodes.Status409Conflict, title: "Conflict")
            : TypedResults.NoContent();
    }

    private static async Task<TeamResponse> ResponseAsync(IGrainFactory grains, string lenderId, string teamId, Team team)
    {
        var counts = await grains.GetGrain<IWorkQueueGrain>(lenderId).CountAsync(teamId, team);
        return new TeamResponse(teamId, team.Name, team.Stages, team.Segments, team.LeaseMinutes, counts.Queued, counts.Leased);
    }

    private static ProblemHttpResult UnknownTeam(string lenderId, string teamId) =>
        Problems.NotFound($"Lender '{lenderId}' has no team '{teamId}'; define it with PUT /api/v1/lenders/{lenderId}/teams/{teamId}.");

    private static string TeamKey(string lenderId, string teamId) => $"{lenderId}/{teamId}";
}

/// <summary>
/// Keeps a key inside its scope: a lender's key inside its lender, a collector's inside its lender and
/// team — anything else answers 404, so that its existence is not revealed; ids are checked first.
/// </summary>
public sealed class TeamScopeFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var lenderId = context.HttpContext.GetRouteValue("lenderId") as string ?? string.Empty;
        var teamId = context.HttpContext.GetRouteValue("teamId") as string ?? string.Empty;
        if ((Ids.Invalid("lenderId", lenderId) ?? Ids.Invalid("teamId", teamId)) is { } invalid)
        {
            return invalid;
        }

        var visible = context.HttpContext.User.Principal() switch
        {
            { Role: ApiRole.Lender } principal => principal.LenderId == lenderId,
            { Role: ApiRole.Collector } principal => principal.LenderId == lenderId && principal.TeamId == teamId,
            _ => true,
        };
        return visible
            ? await next(context)
            : Problems.NotFound($"No team '{teamId}' of lender '{lenderId}' is visible to this API key.");
    }
}
