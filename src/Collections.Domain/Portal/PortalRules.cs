using Orleans;

namespace Collections.Domain.Portal;

/// <summary>What a payment the debtor starts on their own page pays.</summary>
public enum PaymentPurpose
{
    /// <summary>What must be paid to cure.</summary>
    Arrears,

    /// <summary>The whole balance.</summary>
    Balance,

    /// <summary>The settlement the lender published for the account.</summary>
    Settlement,

    /// <summary>Any other amount the debtor chose.</summary>
    Other,
}

/// <summary>Where a link to the debtor's page stands.</summary>
public enum PortalLinkStatus
{
    Active,
    Expired,
    Revoked,

    /// <summary>Five wrong answers to the knowledge check: the link opens nothing any more.</summary>
    Locked,
}

/// <summary>
/// A link to the debtor's own page as its grain keeps it: whose it is (the lender, the account it was issued on,
/// and the person when the lender gave a customerId — then every account of that person at the lender), in
/// which language the page speaks, until when it opens, and the knowledge check's wrong answers so far.
/// Nothing here is personal data: the phone checked against is read from the account when asked.
/// </summary>
[GenerateSerializer, Immutable, Alias("collections.PortalLink")]
public sealed record PortalLink(
    [property: Id(0)] string LenderId,
    [property: Id(1)] string AccountRef,
    [property: Id(2)] string? CustomerId,
    [property: Id(3)] string Language,
    [property: Id(4)] DateTimeOffset IssuedAt,
    [property: Id(5)] DateTimeOffset ExpiresAt,
    [property: Id(6)] DateTimeOffset? RevokedAt = null,
    [property: Id(7)] int FailedChecks = 0,
    [property: Id(8)] DateTimeOffset? OpenedAt = null)
{
    public PortalLinkStatus StatusAt(DateTimeOffset now) =>
        RevokedAt is not null ? PortalLinkStatus.Revoked
        : FailedChecks >= PortalRules.MaxFailedChecks ? PortalLinkStatus.Locked
        : now >= ExpiresAt ? PortalLinkStatus.Expired
        : PortalLinkStatus.Active;
}

/// <summary>The rules of the debtor's own page that do not depend on an account's state.</summary>
public static class PortalRules
{
    /// <summary>Wrong answers to the knowledge check that lock a link.</summary>
    public const int MaxFailedChecks = 5;

    /// <summary>The actor of what the debtor does on their page; audited as <c>debtor@{linkId}</c>.</summary>
    public const string DebtorActor = "debtor";

    /// <summary>The languages the page speaks.</summary>
    public static readonly IReadOnlyList<string> Languages = ["zh", "en"];

    /// <summary>A call-back window is at least this long, at most <see cref="MaxCallbackWindow"/>, and starts within <see cref="MaxCallbackDaysAhead"/> days.</summary>
    public static readonly TimeSpan MinCallbackWindow = TimeSpan.FromMinutes(30);

    public static readonly TimeSpan MaxCallbackWindow = TimeSpan.FromHours(12);

    public const int MaxCallbackDaysAhead = 14;

    public const int MaxNoteLength = 500;

    public static string ActorOf(string linkId) => $"{DebtorActor}@{linkId}";

    public static bool IsDebtor(string actor) =>
        actor == DebtorActor || actor.StartsWith(DebtorActor + "@", StringComparison.Ordinal);

    /// <summary>The page's language for an account: the record's when given, else Chinese under the CN profile and English under US.</summary>
    public static string LanguageOf(string? recorded, ComplianceProfile profile) =>
        recorded ?? (profile == ComplianceProfile.US ? "en" : "zh");

    /// <summary>True when <paramref name="answer"/> is four digits.</summary>
    public static bool IsLast4(string? answer) => answer is { Length: 4 } && answer.All(char.IsAsciiDigit);

    /// <summary>Whether <paramref name="answer"/> is the last four digits of <paramref name="phone"/> (its digits only, so "+86 138-0000-1234" ends in 1234).</summary>
    public static bool PhoneEndsWith(string? phone, string? answer)
    {
        if (phone is null || !IsLast4(answer))
        {
            return false;
        }

        var digits = new string([.. phone.Where(char.IsAsciiDigit)]);
        return digits.Length >= 4 && System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.ASCII.GetBytes(digits[^4..]), System.Text.Encoding.ASCII.GetBytes(answer!));
    }

    /// <summary>
    /// The link after one answer to the knowledge check: a right answer clears the wrong ones, a wrong one counts
    /// towards the lock. A link that is not active does not count answers (nothing changes).
    /// </summary>
    public static PortalLink Answer(PortalLink link, bool right, DateTimeOffset now) =>
        link.StatusAt(now) != PortalLinkStatus.Active ? link
        : right ? link with { FailedChecks = 0 }
        : link with { FailedChecks = link.FailedChecks + 1 };
}
