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
        var principal = context.HttpContext.User.Principal();
        var agencyId = context.HttpContext.GetRouteValue("agencyId") as string;
        if (principal is { Role: ApiRole.Agency } && principal.AgencyId != agencyId)
        {
            return Problems.NotFound($"No agency '{agencyId}' is visible to this API key.");
        }

        return await next(context);
    }
}
