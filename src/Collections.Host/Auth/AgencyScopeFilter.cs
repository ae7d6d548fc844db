using Collections.Contracts;

namespace Collections.Host.Auth;

/// <summary>
/// Keeps an agency key inside its own agency: any other agency's resources answer 404, so that their
/// existence is not revealed. (Which accounts it may see is then the account's own decision: only
/// those placed with it now.)
/// </summary>
public sealed class AgencyScopeFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var agencyId = context.HttpContext.GetRouteValue("agencyId") as string;
        if (!Sees(context.HttpContext.User.Principal(), agencyId))
        {
            return Problems.NotFound($"No agency '{agencyId}' is visible to this API key.");
        }

        return await next(context);
    }

    /// <summary>Whether <paramref name="principal"/> may see agency <paramref name="agencyId"/>'s resources (the API's and the console's one rule).</summary>
    public static bool Sees(ApiPrincipal? principal, string? agencyId) =>
        principal is not { Role: ApiRole.Agency } || principal.AgencyId == agencyId;
}
