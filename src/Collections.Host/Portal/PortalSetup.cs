using System.Globalization;
using System.Threading.RateLimiting;
using Collections.Grains.Portal;
using Collections.Host.Api;
using Microsoft.Extensions.Options;

namespace Collections.Host.Portal;

/// <summary>
/// The debtor's page and its JSON API: services, the rate limits (per link token and per client address, ASP.NET
/// Core's rate limiter, 429), and the security headers of every portal response.
/// </summary>
public static class PortalSetup
{
    public const string PagePath = PortalTokens.PagePath;
    public const string ApiPath = "/api/v1/portal";

    /// <summary>
    /// No script at all, styles from this host only, forms post only here, never framed, and no referrer, so the
    /// token in the URL never reaches a third party.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public static IServiceCollection AddPortal(this IServiceCollection services)
    {
        services.AddOptionsWithValidateOnStart<PortalOptions>().BindConfiguration(PortalOptions.Section).ValidateDataAnnotations();
        services.AddSingleton<PortalSessions>();
        services.AddSingleton<PortalService>();
        services.AddSingleton<IPortalAddress, ServerPortalAddress>();
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = (context, _) =>
            {
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                {
                    context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                }

                return new ValueTask(Problems.Write(context.HttpContext, StatusCodes.Status429TooManyRequests, "Too many requests",
                    "Too many requests to this page; wait a minute and try again."));
            };
            options.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(context => IsPortal(context.Request.Path)
                    ? RateLimitPartition.GetFixedWindowLimiter($"address:{context.Connection.RemoteIpAddress}", _ => PerMinute(context, o => o.AddressRequestsPerMinute))
                    : RateLimitPartition.GetNoLimiter(string.Empty)),
                PartitionedRateLimiter.Create<HttpContext, string>(context => TokenOf(context.Request.Path) is { } token
                    ? RateLimitPartition.GetFixedWindowLimiter($"token:{token}", _ => PerMinute(context, o => o.TokenRequestsPerMinute))
                    : RateLimitPartition.GetNoLimiter(string.Empty)));
        });
        return services;
    }

    /// <summary>Security headers on every portal response, then the rate limits.</summary>
    public static WebApplication UsePortal(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            if (IsPortal(context.Request.Path))
            {
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers["Referrer-Policy"] = "no-referrer";
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers.CacheControl = "no-store";
                headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()";
                headers["Cross-Origin-Opener-Policy"] = "same-origin";
            }

            await next(context);
        });
        app.UseRateLimiter();
        return app;
    }

    /// <summary>The page's stylesheet: a file of its own, since the CSP allows no inline style or script.</summary>
    public static void MapPortalPage(this WebApplication app) =>
        app.MapGet($"{PagePath}/portal.css", () => TypedResults.Text(Stylesheet, "text/css; charset=utf-8")).AllowAnonymous().ExcludeFromDescription();

    private const string Stylesheet = """
        * { box-sizing: border-box; }
        body { font-family: system-ui, "PingFang SC", "Microsoft YaHei", sans-serif; color: #1d2330; margin: 0; line-height: 1.5; font-size: 17px; }
        header { display: flex; justify-content: space-between; align-items: center; padding: .7rem 1rem; background: #f3f5f9; border-bottom: 1px solid #d9dde5; }
        main { padding: 1rem; max-width: 36rem; margin: 0 auto; }
        h1 { font-size: 1.35rem; margin: .4rem 0; } h2 { font-size: 1.1rem; margin-top: 1.2rem; }
        table { width: 100%; border-collapse: collapse; } th, td { text-align: left; padding: .3rem 0; border-bottom: 1px solid #e3e6ec; } td { text-align: right; font-variant-numeric: tabular-nums; }
        label { display: block; margin-top: .6rem; font-weight: 600; }
        input, textarea, button { font: inherit; width: 100%; padding: .6rem; margin-top: .2rem; border: 1px solid #b9c0cc; border-radius: 6px; }
        input[type=radio], input[type=checkbox] { width: auto; margin-right: .4rem; }
        button { background: #1f5fbf; color: #fff; border: 0; margin-top: .8rem; cursor: pointer; } button:disabled { background: #9aa6b8; }
        details { border: 1px solid #d9dde5; border-radius: 8px; padding: .6rem .8rem; margin: .6rem 0; } summary { font-weight: 600; cursor: pointer; }
        .muted { color: #5b6475; font-size: .95rem; } .next { background: #fff6e0; padding: .5rem .7rem; border-radius: 6px; }
        .error { color: #b00020; } .done { color: #1b7a3a; border-left: 4px solid #1b7a3a; padding: .3rem .6rem; }
        .account { border-bottom: 2px solid #d9dde5; padding-bottom: 1rem; margin-bottom: 1rem; }
        a:focus, button:focus, input:focus, textarea:focus, summary:focus { outline: 3px solid #8fb4f0; outline-offset: 1px; }
        """;

    public static bool IsPortal(PathString path) => path.StartsWithSegments(PagePath) || path.StartsWithSegments(ApiPath);

    /// <summary>The link token a portal path addresses (<c>/pay/{token}</c>, <c>/api/v1/portal/{token}/…</c>) when it has a token's shape.</summary>
    public static string? TokenOf(PathString path)
    {
        var rest = path.StartsWithSegments(PagePath, out var afterPage) ? afterPage
            : path.StartsWithSegments(ApiPath, out var afterApi) ? afterApi
            : (PathString?)null;
        if (rest?.Value is not { Length: > 1 } value)
        {
            return null;
        }

        var end = value.IndexOf('/', 1);
        var token = end < 0 ? value[1..] : value[1..end];
        return PortalTokens.IsToken(token) ? token : null;
    }

    private static FixedWindowRateLimiterOptions PerMinute(HttpContext context, Func<PortalOptions, int> limit) => new()
    {
        PermitLimit = limit(context.RequestServices.GetRequiredService<IOptions<PortalOptions>>().Value),
        Window = TimeSpan.FromMinutes(1),
        QueueLimit = 0,
    };
}
