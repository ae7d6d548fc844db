using Collections.Contracts;
using Collections.Host.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Collections.Host.Api;

public sealed record CreateApiKeyRequest(string? Role, string? LenderId, string? AgencyId);

public sealed record CreatedApiKey(string Id, string Key, string Role, string? LenderId, string? AgencyId);

/// <summary>API keys: issue (shown once) and revoke.</summary>
public static class AdminApi
{
    public static RouteGroupBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/admin").RequireAuthorization(Policies.Admin).WithTags("Admin");
        group.MapPost("/api-keys", CreateAsync).WithName("CreateApiKey").ProducesProblems(StatusCodes.Status400BadRequest).WithSummary("Issue an API key; the key is shown only in this response");
        group.MapDelete("/api-keys/{id}", RevokeAsync).WithName("RevokeApiKey").ProducesProblems(StatusCodes.Status404NotFound).WithSummary("Revoke an API key; it stops working at once");
        return group;
    }

    private static async Task<Results<Created<CreatedApiKey>, ProblemHttpResult>> CreateAsync(CreateApiKeyRequest request, IGrainFactory grains)
    {
        var errors = new Dictionary<string, string[]>();
        if (!Enum.TryParse<ApiRole>(request.Role, ignoreCase: true, out var role) || int.TryParse(request.Role, out _))
        {
            errors["role"] = ["must be admin, lender or agency"];
        }
        else
        {
            CheckScope(errors, "lenderId", request.LenderId, role == ApiRole.Lender);
            CheckScope(errors, "agencyId", request.AgencyId, role == ApiRole.Agency);
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var key = ApiKeys.NewKey();
        var hash = ApiKeys.Hash(key);
        var id = ApiKeys.IdOf(hash);
        var principal = new ApiPrincipal(role, request.LenderId, request.AgencyId);
        await grains.GetGrain<IApiKeyGrain>(id).CreateAsync(hash, principal);
        return TypedResults.Created($"/api/v1/admin/api-keys/{id}",
            new CreatedApiKey(id, key, role.ToString().ToLowerInvariant(), request.LenderId, request.AgencyId));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(string id, IGrainFactory grains)
    {
        var revoked = id.Length == 24 && id.All(char.IsAsciiHexDigitLower) && await grains.GetGrain<IApiKeyGrain>(id).RevokeAsync();
        return revoked ? TypedResults.NoContent() : Problems.NotFound($"No active API key has id '{id}'.");
    }

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
