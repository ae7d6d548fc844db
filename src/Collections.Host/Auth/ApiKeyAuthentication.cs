using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using Collections.Contracts;
using Collections.Host.Configuration;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Collections.Host.Auth;

/// <summary>Claims that carry an API key's role and scope.</summary>
public static class CollectionsClaims
{
    public const string Scheme = "ApiKey";
    public const string Role = "collections:role";
    public const string LenderId = "collections:lender";
    public const string AgencyId = "collections:agency";
    public const string TeamId = "collections:team";

    public static ApiPrincipal? Principal(this ClaimsPrincipal user)
    {
        if (!Enum.TryParse<ApiRole>(user.FindFirstValue(Role), out var role))
        {
            return null;
        }

        return new ApiPrincipal(role, user.FindFirstValue(LenderId), user.FindFirstValue(AgencyId), user.FindFirstValue(TeamId));
    }

    /// <summary>Who acted, as recorded in audit events: <c>admin</c>, <c>lender:L1</c> or <c>agency:A1</c>.</summary>
    public static string Actor(this ClaimsPrincipal user) => user.Principal() switch
    {
        { Role: ApiRole.Lender, LenderId: { } lender } => $"lender:{lender}",
        { Role: ApiRole.Agency, AgencyId: { } agency } => $"agency:{agency}",
        { Role: ApiRole.Collector, LenderId: { } lender, TeamId: { } team } => $"collector:{lender}/{team}",
        _ => "admin",
    };
}

/// <summary>
/// Checks a presented API key against the configured admin keys and the issued keys: one rule for the
/// X-Api-Key header and for the dashboard's login form.
/// </summary>
public sealed class ApiKeyVerifier(IGrainFactory grains, IOptions<AuthOptions> auth, IHostEnvironment environment)
{
    public const int MaxKeyLength = 256;

    private readonly byte[][] adminKeyHashes =
    [
        .. auth.Value.AdminKeys.Where(k => !string.IsNullOrWhiteSpace(k)).Select(ApiKeys.Hash),
        .. environment.IsDevelopment() ? [ApiKeys.Hash(ApiKeys.DevelopmentAdminKey)] : Array.Empty<byte[]>(),
    ];

    /// <summary>Who the key belongs to; null when it is not valid or has been revoked.</summary>
    public async Task<ApiPrincipal?> VerifyAsync(string key)
    {
        key = key.Trim();
        if (key.Length is 0 or > MaxKeyLength)
        {
            return null;
        }

        return await VerifyHashAsync(ApiKeys.Hash(key));
    }

    /// <summary>Who the key with this SHA-256 hash belongs to; null when it is not valid or has been revoked.</summary>
    public async Task<ApiPrincipal?> VerifyHashAsync(byte[] hash) =>
        adminKeyHashes.Any(h => CryptographicOperations.FixedTimeEquals(h, hash))
            ? new ApiPrincipal(ApiRole.Admin, null, null)
            : await grains.GetGrain<IApiKeyGrain>(ApiKeys.IdOf(hash)).VerifyAsync(hash);

    /// <summary>The claims that carry <paramref name="principal"/>'s role and scope.</summary>
    public static List<Claim> Claims(ApiPrincipal principal)
    {
        List<Claim> claims = [new(CollectionsClaims.Role, principal.Role.ToString())];
        if (principal.LenderId is { } lender)
        {
            claims.Add(new(CollectionsClaims.LenderId, lender));
        }

        if (principal.AgencyId is { } agency)
        {
            claims.Add(new(CollectionsClaims.AgencyId, agency));
        }

        if (principal.TeamId is { } team)
        {
            claims.Add(new(CollectionsClaims.TeamId, team));
        }

        return claims;
    }
}

/// <summary>Authenticates the <c>X-Api-Key</c> header (<see cref="ApiKeyVerifier"/>).</summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyVerifier verifier) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(ApiKeys.Header, out var values) || string.IsNullOrWhiteSpace(values.ToString()))
        {
            return AuthenticateResult.NoResult();
        }

        if (await verifier.VerifyAsync(values.ToString()) is not { } principal)
        {
            return AuthenticateResult.Fail("The API key is not valid or has been revoked.");
        }

        var identity = new ClaimsIdentity(ApiKeyVerifier.Claims(principal), Scheme.Name, nameType: null, roleType: CollectionsClaims.Role);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var presented = Request.Headers.ContainsKey(ApiKeys.Header);
        await Problems.Write(Context, StatusCodes.Status401Unauthorized, "Unauthorized",
            presented
                ? "The API key in the X-Api-Key header is not valid or has been revoked."
                : "Send an API key in the X-Api-Key header.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Problems.Write(Context, StatusCodes.Status403Forbidden, "Forbidden",
            $"An API key with role '{Context.User.Principal()?.Role}' may not perform this operation.");
}

public static class Policies
{
    public const string Admin = "admin";
    public const string LenderOrAdmin = "lender";
    public const string AgencyOrAdmin = "agency";

    /// <summary>A team's work: its collectors, and the lender's own and admin keys.</summary>
    public const string CollectorOrLender = "collector";

    public static IServiceCollection AddApiKeyAuth(this IServiceCollection services)
    {
        services.AddOptionsWithValidateOnStart<AuthOptions>().BindConfiguration(AuthOptions.Section).ValidateDataAnnotations();
        services.AddSingleton<ApiKeyVerifier>();
        services.AddAuthentication(CollectionsClaims.Scheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(CollectionsClaims.Scheme, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(Admin, p => p.RequireClaim(CollectionsClaims.Role, nameof(ApiRole.Admin)))
            .AddPolicy(LenderOrAdmin, p => p.RequireClaim(CollectionsClaims.Role, nameof(ApiRole.Admin), nameof(ApiRole.Lender)))
            .AddPolicy(AgencyOrAdmin, p => p.RequireClaim(CollectionsClaims.Role, nameof(ApiRole.Admin), nameof(ApiRole.Agency)))
            .AddPolicy(CollectorOrLender, p => p.RequireClaim(CollectionsClaims.Role, nameof(ApiRole.Admin), nameof(ApiRole.Lender), nameof(ApiRole.Collector)));
        return services;
    }
}

/// <summary>
/// Keeps a lender key inside its own lender: any other lender's resources answer 404, so that their
/// existence is not revealed.
/// </summary>
public sealed class LenderScopeFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var principal = context.HttpContext.User.Principal();
        var lenderId = context.HttpContext.GetRouteValue("lenderId") as string;
        if (principal is { Role: ApiRole.Lender } && principal.LenderId != lenderId)
        {
            return Problems.NotFound($"No lender '{lenderId}' is visible to this API key.");
        }

        return await next(context);
    }
}
