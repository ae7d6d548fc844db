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
    public const string KeyId = "collections:key";

    public static ApiPrincipal? Principal(this ClaimsPrincipal user)
    {
        if (!Enum.TryParse<ApiRole>(user.FindFirstValue(Role), out var role))
        {
            return null;
        }

        return new ApiPrincipal(role, user.FindFirstValue(LenderId), user.FindFirstValue(AgencyId), user.FindFirstValue(TeamId));
    }

    /// <summary>
    /// Who acted, as recorded in audit events: the role and scope, and for the lender's side the key's id
    /// (<c>lender:L1@3fa2…</c>, <c>collector:L1/T1@…</c>, <c>admin@…</c>), so that maker–checker can tell
    /// two keys of one lender apart. An agency is one outside party: <c>agency:A1</c>.
    /// </summary>
    public static string Actor(this ClaimsPrincipal user)
    {
        var key = user.FindFirstValue(KeyId) is { } id ? $"@{id}" : string.Empty;
        return user.Principal() switch
        {
            { Role: ApiRole.Agency, AgencyId: { } agency } => $"agency:{agency}",
            { Role: ApiRole.Collector, LenderId: { } lender, TeamId: { } team } => $"collector:{lender}/{team}{key}",
            { Role: var role and not ApiRole.Admin, LenderId: { } lender } => $"{role.ToString().ToLowerInvariant()}:{lender}{key}",
            _ => $"admin{key}",
        };
    }
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

    /// <summary>The claims that carry <paramref name="principal"/>'s role and scope, and the id of the key it presented.</summary>
    public static List<Claim> Claims(ApiPrincipal principal, string keyId)
    {
        List<Claim> claims = [new(CollectionsClaims.Role, principal.Role.ToString()), new(CollectionsClaims.KeyId, keyId)];
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

        var key = values.ToString();
        if (await verifier.VerifyAsync(key) is not { } principal)
        {
            return AuthenticateResult.Fail("The API key is not valid or has been revoked.");
        }

        var identity = new ClaimsIdentity(ApiKeyVerifier.Claims(principal, ApiKeys.IdOf(ApiKeys.Hash(key.Trim()))), Scheme.Name, nameType: null, roleType: CollectionsClaims.Role);
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

/// <summary>
/// What each role may do, as named policies on the endpoints (the role matrix test holds every operation
/// to a decision). Admin passes every policy; the lender's own keys (lender, collector, gateway, auditor)
/// are kept inside their lender by <see cref="LenderScopeFilter"/>.
/// </summary>
public static class Policies
{
    public const string Admin = "admin";

    /// <summary>The lender itself: configures, imports, pays, closes, approves, issues keys.</summary>
    public const string LenderOrAdmin = "lender";

    public const string AgencyOrAdmin = "agency";

    /// <summary>Any key of a lender: the baseline of the lender's route groups, narrowed per endpoint.</summary>
    public const string LenderScoped = "lender-scoped";

    /// <summary>Reads of the lender as a whole (strategy, portfolio, agencies, approvals): the lender and its auditors.</summary>
    public const string LenderReader = "lender-read";

    /// <summary>Reads of accounts (a view, its trail, evidence, search): the lender, its auditors and collectors.</summary>
    public const string AccountReader = "account-read";

    /// <summary>Promises, plans and settlements submitted: the lender and its collectors.</summary>
    public const string Negotiator = "negotiate";

    /// <summary>Contacts made: the lender, its collectors and its gateways.</summary>
    public const string Contactor = "contact";

    /// <summary>Results of contacts the engine sent: the lender and its gateways.</summary>
    public const string ContactResults = "contact-result";

    /// <summary>May this debtor be contacted now: everyone of the lender who reads or dials.</summary>
    public const string ContactCheck = "contact-check";

    /// <summary>A team's work queue: its collectors, and the lender's own and admin keys.</summary>
    public const string CollectorOrLender = "collector";

    /// <summary>Complaints taken from the debtor: the lender and its collectors (who hear them first).</summary>
    public const string ComplaintIntake = "complaint-intake";

    public static IServiceCollection AddApiKeyAuth(this IServiceCollection services)
    {
        services.AddOptionsWithValidateOnStart<AuthOptions>().BindConfiguration(AuthOptions.Section).ValidateDataAnnotations();
        services.AddSingleton<ApiKeyVerifier>();
        services.AddAuthentication(CollectionsClaims.Scheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(CollectionsClaims.Scheme, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(Admin, Roles(ApiRole.Admin))
            .AddPolicy(LenderOrAdmin, Roles(ApiRole.Admin, ApiRole.Lender))
            .AddPolicy(AgencyOrAdmin, Roles(ApiRole.Admin, ApiRole.Agency))
            .AddPolicy(LenderScoped, Roles(ApiRole.Admin, ApiRole.Lender, ApiRole.Collector, ApiRole.Gateway, ApiRole.Auditor))
            .AddPolicy(LenderReader, Roles(ApiRole.Admin, ApiRole.Lender, ApiRole.Auditor))
            .AddPolicy(AccountReader, Roles(ApiRole.Admin, ApiRole.Lender, ApiRole.Auditor, ApiRole.Collector))
            .AddPolicy(Negotiator, Roles(ApiRole.Admin, ApiRole.Lender, ApiRole.Collector))
            .AddPolicy(Contactor, Roles(ApiRole.Admin, ApiRole.Lender, ApiRole.Collector, ApiRole.Gateway))
            .AddPolicy(ContactResults, Roles(ApiRole.Admin, ApiRole.Lender, ApiRole.Gateway))
            .AddPolicy(ContactCheck, Roles(ApiRole.Admin, ApiRole.Lender, ApiRole.Auditor, ApiRole.Collector, ApiRole.Gateway))
            .AddPolicy(CollectorOrLender, Roles(ApiRole.Admin, ApiRole.Lender, ApiRole.Collector))
            .AddPolicy(ComplaintIntake, Roles(ApiRole.Admin, ApiRole.Lender, ApiRole.Collector));
        return services;
    }

    private static Action<Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder> Roles(params ApiRole[] roles) =>
        policy => policy.RequireClaim(CollectionsClaims.Role, roles.Select(r => r.ToString()));
}

/// <summary>
/// Keeps a lender's keys (lender, collector, gateway, auditor) inside their own lender: any other
/// lender's resources answer 404, so that their existence is not revealed.
/// </summary>
public sealed class LenderScopeFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var principal = context.HttpContext.User.Principal();
        var lenderId = context.HttpContext.GetRouteValue("lenderId") as string;
        if (principal is { Role: not ApiRole.Admin and not ApiRole.Agency } && principal.LenderId != lenderId)
        {
            return Problems.NotFound($"No lender '{lenderId}' is visible to this API key.");
        }

        return await next(context);
    }
}
