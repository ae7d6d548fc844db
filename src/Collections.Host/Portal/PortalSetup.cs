using System.Globalization;
using System.Threading.RateLimiting;
using Collections.Host.Api;
using Microsoft.Extensions.Options;

namespace Collections.Host.Portal;

/// <summary>
/// The debtor's page and its JSON API: services, the rate limits (per link token and per client address, ASP.NET
/// Core's rate limiter, 429), and the security headers of every portal response.
/// </summary>
public static class PortalSetup
{
    public const string PagePath = "/pay";
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
        return PortalSessions.IsToken(token) ? token : null;
    }

    private static FixedWindowRateLimiterOptions PerMinute(HttpContext context, Func<PortalOptions, int> limit) => new()
    {
        PermitLimit = limit(context.RequestServices.GetRequiredService<IOptions<PortalOptions>>().Value),
        Window = TimeSpan.FromMinutes(1),
        QueueLimit = 0,
    };
}
