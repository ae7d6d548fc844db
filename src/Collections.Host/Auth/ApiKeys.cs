using System.Security.Cryptography;
using System.Text;

namespace Collections.Host.Auth;

/// <summary>
/// API keys: 256 random bits, shown once. Only a SHA-256 hash is kept; the key's id is derived from
/// the hash, so a presented key leads straight to its grain without a lookup table.
/// </summary>
public static class ApiKeys
{
    public const string Header = "X-Api-Key";

    public const string DevelopmentAdminKey = "dev-admin";

    public static string NewKey() => "ck_" + Base64Url(RandomNumberGenerator.GetBytes(32));

    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    /// <summary>The public id of a key: the first 12 bytes of its hash, hex. Reveals nothing usable about the key.</summary>
    public static string IdOf(byte[] hash) => Convert.ToHexStringLower(hash.AsSpan(0, 12));

    /// <summary>True when <paramref name="id"/> has the shape of a key id (<see cref="IdOf"/>).</summary>
    public static bool IsId(string id) => id.Length == 24 && id.All(char.IsAsciiHexDigitLower);

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
