using Collections.Contracts;
using Collections.Host.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Collections.Host.Api;

public sealed record CreateApiKeyRequest(string? Role, string? LenderId, string? AgencyId, string? TeamId = null);

public sealed record CreatedApiKey(string Id, string Key, string Role, string? LenderId, string? AgencyId, string? TeamId = null);

/// <summary>A key the lender issued, without the key itself; <see cref="RevokedAt"/> is null while it works.</summary>
public sealed record LenderApiKeyView(string Id, string Role, string LenderId, string? TeamId, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

public sealed record LenderApiKeysResponse(IReadOnlyList<LenderApiKeyView> Items);

/// <summary>API keys: issue (shown once) and revoke; lenders issue their own collectors', gateways' and auditors' keys.</summary>
public static class AdminApi
{
    /// <summary>The roles a lender may issue for itself: never a lender, agency or admin key.</summary>
    private static readonly ApiRole[] LenderIssued = [ApiRole.Collector, ApiRole.Gateway, ApiRole.Auditor];

    public static RouteGroupBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/admin").RequireAuthorization(Policies.Admin).WithTags("Admin");
        group.MapPost("/api-keys", CreateAsync).WithName("CreateApiKey").ProducesProblems(StatusCodes.Status400BadRequest).WithSummary("Issue an API key; the key is shown only in this response");
        group.MapDelete("/api-keys/{id}", RevokeAsync).WithName("RevokeApiKey").ProducesProblems(StatusCodes.Status404NotFound).WithSummary("Revoke an API key; it stops working at once");

        var lender = app.MapGroup("/api/v1/lenders/{lenderId}")
            .RequireAuthorization(Policies.LenderOrAdmin)
            .AddEndpointFilter<LenderScopeFilter>()
            .WithTags("Admin");
        lender.MapPost("/api-keys", CreateLenderKeyAsync)
            .WithName("CreateLenderApiKey")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound)
            .WithSummary("The lender issues a key of its own: collector (with teamId), gateway or auditor; shown only in this response")
            .WithDescription("lenderId comes from the path (leave it out of the body or make it equal). A collector works accounts (reads, contacts, promises, plans, settlements), a gateway records contacts and their results, an auditor reads everything of the lender; none of them approves, closes, configures or issues keys.");
        lender.MapGet("/api-keys", ListLenderKeysAsync)
            .WithName("ListLenderApiKeys")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound)
            .WithSummary("The keys the lender issued (never the keys themselves), oldest first, revoked ones with revokedAt");
        lender.MapDelete("/api-keys/{id}", RevokeLenderKeyAsync)
            .WithName("RevokeLenderApiKey")
            .ProducesProblems(StatusCodes.Status404NotFound)
            .WithSummary("Revoke a key the lender issued; it stops working at once (401). 404 for any other key");
        return group;
    }

    private static Task<Results<Created<CreatedApiKey>, ProblemHttpResult>> CreateAsync(CreateApiKeyRequest request, IGrainFactory grains) =>
        IssueAsync(request, Enum.GetValues<ApiRole>(), grains);

    private static async Task<Results<Created<CreatedApiKey>, ProblemHttpResult>> CreateLenderKeyAsync(string lenderId, CreateApiKeyRequest request, IGrainFactory grains)
    {
        if (Ids.Invalid("lenderId", lenderId) is { } invalid)
        {
            return invalid;
        }

        if (request.LenderId is not null && request.LenderId != lenderId)
        {
            return Problems.Invalid("lenderId", $"'{request.LenderId}' differs from the URL's '{lenderId}'; leave it out or make them equal");
        }

        return await IssueAsync(request with { LenderId = lenderId }, LenderIssued, grains, grains.GetGrain<ILenderApiKeysGrain>(lenderId));
    }

    private static async Task<Results<Ok<LenderApiKeysResponse>, ProblemHttpResult>> ListLenderKeysAsync(string lenderId, IGrainFactory grains)
    {
        if (Ids.Invalid("lenderId", lenderId) is { } invalid)
        {
            return invalid;
        }

        var keys = await grains.GetGrain<ILenderApiKeysGrain>(lenderId).ListAsync();
        return TypedResults.Ok(new LenderApiKeysResponse(
            [.. keys.Select(k => new LenderApiKeyView(k.Id, Name(k.Principal.Role), lenderId, k.Principal.TeamId, k.CreatedAt, k.RevokedAt))]));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeLenderKeyAsync(string lenderId, string id, IGrainFactory grains)
    {
        var revoked = Ids.Valid(lenderId) && ApiKeys.IsId(id) && await grains.GetGrain<ILenderApiKeysGrain>(lenderId).RevokeAsync(id);
        return revoked ? TypedResults.NoContent() : Problems.NotFound($"Lender '{lenderId}' has no active API key with id '{id}'.");
    }

    /// <summary>Issues a key; one issued by a lender is listed with it first, so that every key that works is one it can revoke.</summary>
    private static async Task<Results<Created<CreatedApiKey>, ProblemHttpResult>> IssueAsync(CreateApiKeyRequest request, ApiRole[] issuable, IGrainFactory grains, ILenderApiKeysGrain? issuer = null)
    {
        var errors = new Dictionary<string, string[]>();
        if (!Enum.TryParse<ApiRole>(request.Role, ignoreCase: true, out var role) || int.TryParse(request.Role, out _) || !issuable.Contains(role))
        {
            errors["role"] = [$"must be {string.Join(", ", issuable.Select(Name))}"];
        }
        else
        {
            CheckScope(errors, "lenderId", request.LenderId, role is ApiRole.Lender or ApiRole.Collector or ApiRole.Gateway or ApiRole.Auditor);
            CheckScope(errors, "agencyId", request.AgencyId, role == ApiRole.Agency);
            CheckScope(errors, "teamId", request.TeamId, role == ApiRole.Collector);
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var key = ApiKeys.NewKey();
        var hash = ApiKeys.Hash(key);
        var id = ApiKeys.IdOf(hash);
        var principal = new ApiPrincipal(role, request.LenderId, request.AgencyId, request.TeamId);
        if (issuer is not null)
        {
            await issuer.AddAsync(id, principal);
        }

        await grains.GetGrain<IApiKeyGrain>(id).CreateAsync(hash, principal);
        return TypedResults.Created($"/api/v1/admin/api-keys/{id}",
            new CreatedApiKey(id, key, Name(role), request.LenderId, request.AgencyId, request.TeamId));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(string id, IGrainFactory grains)
    {
        var revoked = ApiKeys.IsId(id) && await grains.GetGrain<IApiKeyGrain>(id).RevokeAsync();
        return revoked ? TypedResults.NoContent() : Problems.NotFound($"No active API key has id '{id}'.");
    }

    private static string Name(ApiRole role) => role.ToString().ToLowerInvariant();

    private static void CheckScope(Dictionary<string, string[]> errors, string name, string? value, bool required)
    {
        if (required && (value is null || !Ids.Valid(value)))
        {
            errors[name] = ["is required for this role: 1–64 characters of A–Z a–z 0–9 . _ : -"];
        }
        else if (!required && value is not null)
        {
            errors[name] = ["does not apply to this role; leave it out"];
        }
    }
}
