using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Collections.Contracts;
using Collections.Domain.Portal;

namespace Collections.Grains.Portal;

/// <summary>
/// The tokens of links to the debtor's page, wherever a link is issued (the lender's API, a strategy's contact
/// step). A token is 256 random bits, base64url; only its SHA-256 is stored, and the link's id is derived from the
/// hash (the first 12 bytes, hex), so the id can be logged and audited while the token cannot be recovered from it.
/// </summary>
public static class PortalTokens
{
    /// <summary>The path of the debtor's page; a link's URL is this path and the token, on the public address.</summary>
    public const string PagePath = "/pay";

    /// <summary>A new token, its hash and its link's id.</summary>
    public static (string Token, byte[] Hash, string LinkId) New()
    {
        var token = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var hash = Hash(token);
        return (token, hash, IdOf(hash));
    }

    /// <summary>True when <paramref name="token"/> has the shape of a token (no grain is asked about anything else).</summary>
    public static bool IsToken(string? token) =>
        token is { Length: 43 } && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    public static string IdOf(byte[] hash) => Convert.ToHexStringLower(hash.AsSpan(0, 12));

    public static Uri UrlOf(Uri publicUrl, string token) => new(publicUrl, $"{PagePath}/{token}");

    /// <summary>
    /// Makes a link the account has recorded work: listed for revocation first, then created, so that every link
    /// that opens was audited and can be revoked.
    /// </summary>
    public static async Task ActivateAsync(IGrainFactory grains, string linkId, byte[] hash, PortalLink link)
    {
        await grains.GetGrain<IPortalLinksGrain>(PortalScope.For(link.LenderId, link.AccountRef, link.CustomerId)).AddAsync(linkId, link.ExpiresAt);
        await grains.GetGrain<IPortalLinkGrain>(linkId).CreateAsync(hash, link);
    }
}

/// <summary>
/// Where debtors reach their page: the base of the links a strategy's contact steps put in messages (the lender's
/// API answers with the address of its own request when nothing is configured). Null when it is not known, and
/// then a message goes without a link.
/// </summary>
public interface IPortalAddress
{
    Uri? PublicUrl { get; }
}
