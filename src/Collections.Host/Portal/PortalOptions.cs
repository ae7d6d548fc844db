using System.ComponentModel.DataAnnotations;

namespace Collections.Host.Portal;

/// <summary><c>Collections:Portal</c>: the debtor's own page — its rate limits, sessions and public address.</summary>
public sealed class PortalOptions
{
    public const string Section = "Collections:Portal";

    /// <summary>Requests per minute from one client address to the page and its JSON API (a carrier's NAT puts many phones behind one).</summary>
    [Range(1, 1_000_000, ErrorMessage = "Collections:Portal:AddressRequestsPerMinute must be from 1 to 1000000.")]
    public int AddressRequestsPerMinute { get; set; } = 300;

    /// <summary>Requests per minute on one link, from anywhere.</summary>
    [Range(1, 10_000, ErrorMessage = "Collections:Portal:TokenRequestsPerMinute must be from 1 to 10000.")]
    public int TokenRequestsPerMinute { get; set; } = 30;

    /// <summary>How long a passed knowledge check lasts before it is asked again.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "02:00:00", ErrorMessage = "Collections:Portal:SessionLifetime must be from 1 minute to 2 hours.")]
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromMinutes(20);

    /// <summary>Where debtors reach the page (<c>https://pay.example.com</c>); unset: the scheme and host of the request that issued the link.</summary>
    public Uri? PublicUrl { get; set; }
}
