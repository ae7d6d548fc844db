using System.Security.Cryptography;
using System.Text;

namespace Collections.Grains.Contacts;

/// <summary>
/// How a contact webhook is signed: <c>X-Collections-Signature: sha256=&lt;hex&gt;</c>, the HMAC-SHA256 with the
/// lender's secret of <c>{X-Collections-Timestamp}.{raw body}</c> (the timestamp in Unix seconds, so a receiver
/// can refuse stale replays). Receivers recompute it over the bytes they received and compare in fixed time.
/// </summary>
public static class WebhookSignature
{
    public const string SignatureHeader = "X-Collections-Signature";
    public const string TimestampHeader = "X-Collections-Timestamp";
    public const string IdempotencyHeader = "Idempotency-Key";

    public static string Sign(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes($"{timestamp}.");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        return "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
    }

    public static bool Verify(string secret, string? timestamp, string? signature, ReadOnlySpan<byte> body) =>
        long.TryParse(timestamp, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ts)
        && signature is not null
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(secret, ts, body)), Encoding.ASCII.GetBytes(signature));
}
