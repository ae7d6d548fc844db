using System.Security.Claims;
using Collections.Contracts;
using Collections.Grains.Time;
using Collections.Host.Api;
using Collections.Host.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;

namespace Collections.Host.ConsoleUi;

/// <summary>
/// The console at <c>/console</c>: Razor Pages for people in a browser. Sign-in takes an API key once and
/// answers with an HttpOnly, SameSite=Strict cookie scoped to <c>/console</c> (as the dashboard's), checked
/// against revocation on every request. The pages call the API's own handlers with the signed-in key's
/// claims, so every rule, validation and audit actor is the API's.
/// </summary>
public static class ConsoleSetup
{
    public const string Scheme = "ConsoleCookie";
    public const string Policy = "console";
    public const string Path = "/console";
    public const string SignInPath = "/console/signin";

    public static IServiceCollection AddConsole(this IServiceCollection services)
    {
        services.AddRazorPages(options =>
        {
            options.RootDirectory = "/ConsoleUi/Pages";
            options.Conventions.AuthorizeFolder("/", Policy);
            options.Conventions.AllowAnonymousToPage("/SignIn");

            // The debtor's page: its link and knowledge check are the credentials (Portal/PortalSetup.cs).
            options.Conventions.AllowAnonymousToFolder("/Portal");
        });
        services.AddAuthentication().AddCookie(Scheme, options =>
        {
            options.Cookie.Name = "collections.console";
            options.Cookie.Path = Path;
            options.Cookie.HttpOnly = true;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.LoginPath = SignInPath;
            options.AccessDeniedPath = SignInPath;
            options.ExpireTimeSpan = TimeSpan.FromHours(8);
            options.SlidingExpiration = true;
            options.Events.OnValidatePrincipal = RejectRevokedKeyAsync;
        });
        services.AddAuthorizationBuilder().AddPolicy(Policy, p => p
            .AddAuthenticationSchemes(Scheme)
            .RequireClaim(CollectionsClaims.Role));
        return services;
    }

    public static void MapConsole(this WebApplication app)
    {
        // Pages for people, not API operations: kept out of the OpenAPI document.
        app.MapRazorPages().ExcludeFromDescription();
        app.MapGet("/console/accounts/{lenderId}/{accountRef}/evidence", EvidenceAsync)
            .RequireAuthorization(Policy)
            .ExcludeFromDescription();
    }

    /// <summary>Signs in with the claims of <paramref name="principal"/>, keeping the key's hash to re-check it on every request.</summary>
    public static Task SignInAsync(HttpContext context, ApiPrincipal principal, string key)
    {
        var hash = ApiKeys.Hash(key.Trim());
        var claims = ApiKeyVerifier.Claims(principal, ApiKeys.IdOf(hash));
        claims.Add(new Claim(DashboardAuth.KeyHashClaim, Convert.ToBase64String(hash)));
        return context.SignInAsync(Scheme, new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme, nameType: null, roleType: CollectionsClaims.Role)));
    }

    /// <summary>The page a key lands on after signing in: its own work.</summary>
    public static string Home(ApiPrincipal principal) => principal switch
    {
        { Role: ApiRole.Collector, LenderId: { } lender, TeamId: { } team } => $"/console/teams/{lender}/{team}",
        { Role: ApiRole.Agency, AgencyId: { } agency } => $"/console/agencies/{agency}",
        { Role: ApiRole.Lender or ApiRole.Auditor } => "/console/accounts",
        _ => "/console",
    };

    /// <summary>A console request that ended in a bare status (404 for what the key may not see): a page that says so.</summary>
    public static Task WriteStatusPageAsync(HttpContext context, int status)
    {
        var (title, text) = status switch
        {
            StatusCodes.Status404NotFound => ("Not found", "This page does not exist, or your key may not see it."),
            StatusCodes.Status400BadRequest => ("Bad request", "The form expired or a link is malformed; go back and try again."),
            _ => (Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status), "The console could not answer this request."),
        };
        context.Response.ContentType = "text/html; charset=utf-8";
        return context.Response.WriteAsync(
            $$"""
            <!doctype html>
            <html lang="en">
            <head><meta charset="utf-8"><title>{{title}} – Collections console</title><link rel="icon" href="data:,">
            <style>body { font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem; }</style></head>
            <body><h1>{{title}}</h1><p>{{text}}</p><p><a href="{{Path}}">Back to the console</a></p></body>
            </html>
            """);
    }

    /// <summary>A revoked key, or one whose role or scope changed, signs the browser out at its next request.</summary>
    private static async Task RejectRevokedKeyAsync(CookieValidatePrincipalContext context)
    {
        var hash = context.Principal?.FindFirstValue(DashboardAuth.KeyHashClaim);
        var verifier = context.HttpContext.RequestServices.GetRequiredService<ApiKeyVerifier>();
        var now = hash is null ? null : await verifier.VerifyHashAsync(Convert.FromBase64String(hash));
        if (now is null || now != context.Principal!.Principal())
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(Scheme);
        }
    }

    /// <summary>The evidence bundle to download: the API's own handler, for the keys that may read the account.</summary>
    private static async Task<IResult> EvidenceAsync(string lenderId, string accountRef, string? format, HttpContext context, IGrainFactory grains, BusinessClock clock)
    {
        if (!await context.MayAsync(Policies.AccountReader) || !LenderScopeFilter.Sees(context.User.Principal(), lenderId) || !Ids.Valid(lenderId, accountRef))
        {
            return AccountTarget.UnknownAccount(lenderId, accountRef);
        }

        var result = (await LegalApi.EvidenceAsync(new AccountTarget(lenderId, accountRef, grains, context.User), clock, format)).Result;
        if (result is not Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult)
        {
            context.Response.Headers.ContentDisposition = $"attachment; filename=\"evidence-{lenderId}-{accountRef}.{(format == "zip" ? "zip" : "json")}\"";
        }

        return result;
    }
}
