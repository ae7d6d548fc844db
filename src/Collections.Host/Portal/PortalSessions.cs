using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace Collections.Host.Portal;

/// <summary>
/// The short session a passed knowledge check opens (link tokens: <see cref="Grains.Portal.PortalTokens"/>). A session is the link's
/// id sealed by ASP.NET Core Data Protection with an expiry (the cluster shares its keys, so any host accepts it);
/// it is good for that link only.
/// </summary>
public sealed class PortalSessions(IDataProtectionProvider protection, IOptions<PortalOptions> options)
{
    /// <summary>The header the JSON API takes the session in; the page keeps it in a cookie.</summary>
    public const string Header = "X-Portal-Session";

    private readonly ITimeLimitedDataProtector protector =
        protection.CreateProtector("Collections.Portal.Session").ToTimeLimitedDataProtector();

    public (string Session, DateTimeOffset ExpiresAt) Open(string linkId)
    {
        var expiresAt = DateTimeOffset.UtcNow + options.Value.SessionLifetime;
        return (protector.Protect(linkId, expiresAt), expiresAt);
    }

    /// <summary>True when <paramref name="session"/> was opened for <paramref name="linkId"/> and has not expired.</summary>
    public bool IsOpen(string? session, string linkId)
    {
        if (string.IsNullOrEmpty(session) || session.Length > 1024)
        {
            return false;
        }

        try
        {
            return protector.Unprotect(session) == linkId;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
