using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using Collections.Contracts;
using Collections.Host.Configuration;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;
using Orleans.Dashboard;

namespace Collections.Host.Auth;

/// <summary>
/// The Orleans dashboard for browsers: outside Development it needs an admin. A browser cannot send the
/// X-Api-Key header, so <c>/dashboard/login</c> takes the admin key once in a form and answers with an
/// HttpOnly, SameSite=Strict cookie scoped to <c>/dashboard</c> (Secure over HTTPS); requests that do send
/// the header are authenticated by it as everywhere else.
/// </summary>
public static class DashboardAuth
{
    public const string Scheme = "DashboardCookie";
    public const string Policy = "dashboard";
    public const string Path = "/dashboard";
    public const string LoginPath = "/dashboard/login";

    /// <summary>The hash of the key that signed in, so that each request can check it was not revoked since.</summary>
    private const string KeyHashClaim = "collections:key-hash";

    public static IServiceCollection AddDashboardAuth(this IServiceCollection services)
    {
        services.AddAntiforgery(o => o.Cookie.Path = Path);
        services.AddAuthentication().AddCookie(Scheme, options =>
        {
            options.Cookie.Name = "collections.dashboard";
            options.Cookie.Path = Path;
            options.Cookie.HttpOnly = true;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.LoginPath = LoginPath;
            options.AccessDeniedPath = LoginPath;
            options.ExpireTimeSpan = TimeSpan.FromHours(8);
            options.SlidingExpiration = true;

            // Scripts and tools that send the header keep using it (and get its 401/403 problems).
            options.ForwardDefaultSelector = context =>
                context.Request.Headers.ContainsKey(ApiKeys.Header) ? CollectionsClaims.Scheme : null;
            options.Events.OnValidatePrincipal = RejectRevokedKeyAsync;
        });
        services.AddAuthorizationBuilder().AddPolicy(Policy, p => p
            .AddAuthenticationSchemes(Scheme)
            .RequireClaim(CollectionsClaims.Role, nameof(ApiRole.Admin)));
        return services;
    }

    /// <summary>
    /// Maps the dashboard and its login page unless <c>Collections:Dashboard:Enabled</c> is false; outside
    /// Development the dashboard needs an admin (cookie from the login page, or the header).
    /// </summary>
    public static void MapDashboard(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<IOptions<CollectionsDashboardOptions>>().Value.Enabled)
        {
            return;
        }

        // The dashboard's own routes are not part of the API's document.
        var dashboard = app.MapOrleansDashboard(routePrefix: Path).ExcludeFromDescription();
        if (!app.Environment.IsDevelopment())
        {
            dashboard.RequireAuthorization(Policy);
        }

        app.MapGet(LoginPath, (HttpContext context, IAntiforgery antiforgery) => LoginPage(context, antiforgery, null)).ExcludeFromDescription();
        app.MapPost(LoginPath, SignInAsync).ExcludeFromDescription();
    }

    private static async Task<IResult> SignInAsync(HttpContext context, IAntiforgery antiforgery, ApiKeyVerifier verifier)
    {
        try
        {
            await antiforgery.ValidateRequestAsync(context);
        }
        catch (AntiforgeryValidationException)
        {
            return LoginPage(context, antiforgery, "The form expired; enter the key again.", StatusCodes.Status400BadRequest);
        }

        var form = await context.Request.ReadFormAsync();
        var key = form["key"].ToString();
        var principal = string.IsNullOrWhiteSpace(key) ? null : await verifier.VerifyAsync(key);
        if (principal is null)
        {
            return LoginPage(context, antiforgery, "That key is not valid or has been revoked.", StatusCodes.Status401Unauthorized);
        }

        if (principal.Role != ApiRole.Admin)
        {
            return LoginPage(context, antiforgery, $"A {principal.Role.ToString().ToLowerInvariant()} key cannot open the dashboard; use an admin key.", StatusCodes.Status403Forbidden);
        }

        var hash = ApiKeys.Hash(key.Trim());
        var claims = ApiKeyVerifier.Claims(principal, ApiKeys.IdOf(hash));
        claims.Add(new Claim(KeyHashClaim, Convert.ToBase64String(hash)));
        await context.SignInAsync(Scheme, new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme, nameType: null, roleType: CollectionsClaims.Role)));

        // Always the dashboard itself, never a caller-supplied address (no open redirect).
        return TypedResults.Redirect(Path + "/");
    }

    private static async Task RejectRevokedKeyAsync(CookieValidatePrincipalContext context)
    {
        var hash = context.Principal?.FindFirstValue(KeyHashClaim);
        var verifier = context.HttpContext.RequestServices.GetRequiredService<ApiKeyVerifier>();
        if (hash is null || await verifier.VerifyHashAsync(Convert.FromBase64String(hash)) is not { Role: ApiRole.Admin })
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(Scheme);
        }
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ContentHttpResult LoginPage(HttpContext context, IAntiforgery antiforgery, string? message, int status = StatusCodes.Status200OK)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        var html = HtmlEncoder.Default;
        var error = message is null ? string.Empty : $"""<p role="alert" class="error">{html.Encode(message)}</p>""";
        return TypedResults.Content(
            $$"""
            <!doctype html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <title>Orleans dashboard – sign in</title>
              <style>
                body { font-family: system-ui, sans-serif; max-width: 26rem; margin: 4rem auto; padding: 0 1rem; }
                input, button { font-size: 1rem; padding: .4rem; }
                input { width: 100%; box-sizing: border-box; margin: .4rem 0 1rem; }
                .error { color: #b00020; }
              </style>
            </head>
            <body>
              <h1>Orleans dashboard</h1>
              {{error}}
              <form method="post" action="{{LoginPath}}">
                <input type="hidden" name="{{html.Encode(tokens.FormFieldName)}}" value="{{html.Encode(tokens.RequestToken ?? string.Empty)}}">
                <label for="key">Admin API key</label>
                <input id="key" name="key" type="password" autocomplete="current-password" required autofocus>
                <button type="submit">Sign in</button>
              </form>
            </body>
            </html>
            """,
            "text/html; charset=utf-8",
            statusCode: status);
    }
}
