using System.Collections.Immutable;
using Collections.Domain.Accounts;
using Collections.Domain.Contacts;
using Orleans;

namespace Collections.Domain.Debtors;

/// <summary>
/// A contact with the person on one of their accounts. <see cref="Key"/> makes recording it idempotent
/// (<c>{accountRef}/{contactId}</c> for the engine's, <c>{accountRef}/v{version}</c> for a team's).
/// </summary>
[GenerateSerializer, Immutable, Alias("collections.DebtorContact")]
public sealed record DebtorContact(
    [property: Id(0)] string Key,
    [property: Id(1)] string AccountRef,
    [property: Id(2)] ContactChannel Channel,
    [property: Id(3)] DateTimeOffset At,
    [property: Id(4)] ContactOutcome? Outcome,
    [property: Id(5)] string? Number);

/// <summary>A hold that belongs to the person, and the account it was placed on.</summary>
[GenerateSerializer, Immutable, Alias("collections.DebtorHold")]
public sealed record DebtorHold([property: Id(0)] HoldType Type, [property: Id(1)] string AccountRef);

/// <summary>A contact to judge (and record) for the person, with the account's compliance setting.</summary>
[GenerateSerializer, Immutable, Alias("collections.DebtorContactRequest")]
public sealed record DebtorContactRequest(
    [property: Id(0)] DebtorContact Contact,
    [property: Id(1)] ComplianceProfile Profile,
    [property: Id(2)] string TimeZone,
    [property: Id(3)] int UnansweredDialsPerDay);

/// <summary>
/// What belongs to the person (a lender's <c>customerId</c>) across all their accounts: their contacts within
/// the caps' window, the holds that stop contact on every account (cease-communication, bankruptcy,
/// deceased) and the numbers reported wrong. Bounded: contacts are kept for <see cref="Outsourcing.ContactMemory"/>
/// (and at most <see cref="MaxContacts"/>), holds by their types, numbers by <see cref="AccountState.MaxWrongNumbers"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("collections.DebtorLedger")]
public sealed record DebtorLedger
{
    public const int MaxContacts = 256;

    public static readonly DebtorLedger Empty = new();

    /// <summary>The person's accounts at the lender, by accountRef.</summary>
    [Id(0)] public ImmutableSortedSet<string> Accounts { get; init; } = [];

    [Id(1)] public ImmutableArray<DebtorContact> Contacts { get; init; } = [];

    [Id(2)] public ImmutableArray<DebtorHold> Holds { get; init; } = [];

    [Id(3)] public ImmutableArray<string> WrongNumbers { get; init; } = [];

    /// <summary>The person's time zone as their accounts last gave it (to count today's contacts).</summary>
    [Id(4)] public string TimeZone { get; init; } = "UTC";
}

/// <summary>
/// The per-person contact rules: which holds are the person's, how the person's ledger joins an account's
/// contact context, and the atomic judge-and-record the debtor grain runs for every contact.
/// </summary>
public static class DebtorRules
{
    /// <summary>Holds placed on one account that stop contact on every account of the person.</summary>
    public static readonly ImmutableHashSet<HoldType> PersonHolds = [HoldType.CeaseCommunication, HoldType.Bankruptcy, HoldType.Deceased];

    /// <summary>
    /// An account's contact context with what the person owns added: the contacts on their other accounts
    /// (counted by the per-person CN caps), the person's holds and the numbers reported wrong.
    /// </summary>
    public static ContactContext Join(ContactContext context, DebtorLedger ledger, string accountRef)
    {
        var stopping = ledger.Holds.FirstOrDefault(h => h.Type != HoldType.CeaseCommunication);
        return context with
        {
            OtherAccounts = [.. ledger.Contacts.Where(c => c.AccountRef != accountRef).Select(Attempt)],
            CeaseCommunication = context.CeaseCommunication || ledger.Holds.Any(h => h.Type == HoldType.CeaseCommunication),
            StoppingHold = context.StoppingHold ?? stopping?.Type.ToString(),
            WrongNumber = context.WrongNumber || (context.Number is { } number && ledger.WrongNumbers.Contains(number)),
        };
    }

    /// <summary>
    /// Judges a contact by the per-person rules (the person's holds and wrong numbers, the window, and under CN
    /// the daily caps over all their accounts) and records it when allowed — or, when it already happened
    /// (<paramref name="recordRefused"/>), in any case. One grain runs this for the person, one contact at a
    /// time, so two accounts can never both take the last call of a day. A contact already recorded (same
    /// key) is answered allowed and not counted twice.
    /// </summary>
    public static (DebtorLedger Ledger, ContactDecision Decision) Reserve(DebtorLedger ledger, DebtorContactRequest request, bool recordRefused, DateTimeOffset now)
    {
        var contact = request.Contact;
        if (ledger.Contacts.Any(c => c.Key == contact.Key))
        {
            return (ledger, ContactDecision.Allow("already recorded for the person"));
        }

        // Regulation F's caps are per debt: the account judges them; under US the person adds only the
        // holds, wrong numbers and window. Under CN the daily caps count every account of the person.
        var context = Join(
            new ContactContext(request.Profile, BusinessCalendar.Zone(request.TimeZone), [])
            {
                Number = contact.Number,
                UnansweredDialsPerDay = request.UnansweredDialsPerDay,
            },
            ledger,
            contact.AccountRef);
        context = context with { OtherAccounts = request.Profile == ComplianceProfile.CN ? [.. ledger.Contacts.Select(Attempt)] : [] };
        var decision = ContactPolicy.Evaluate(context, contact.Channel, contact.At, contact.Outcome);
        if (!decision.Allowed && !recordRefused)
        {
            return (ledger, decision);
        }

        return (Record(ledger with { TimeZone = request.TimeZone }, contact, now), decision);
    }

    /// <summary>The outcome of a contact the engine sent, once the gateway reports it.</summary>
    public static DebtorLedger Report(DebtorLedger ledger, string key, ContactOutcome outcome) =>
        ledger with { Contacts = [.. ledger.Contacts.Select(c => c.Key == key ? c with { Outcome = outcome } : c)] };

    public static DebtorLedger Link(DebtorLedger ledger, string accountRef, string timeZone) =>
        ledger.Accounts.Contains(accountRef) && ledger.TimeZone == timeZone ? ledger : ledger with { Accounts = ledger.Accounts.Add(accountRef), TimeZone = timeZone };

    /// <summary>
    /// The account now belongs to another person (its customerId changed or was removed): it leaves the list, and
    /// its person holds go with it. Its contacts stay: they reached this person, and the caps count them.
    /// </summary>
    public static DebtorLedger Unlink(DebtorLedger ledger, string accountRef) =>
        ledger.Accounts.Contains(accountRef)
            ? ledger with { Accounts = ledger.Accounts.Remove(accountRef), Holds = [.. ledger.Holds.Where(h => h.AccountRef != accountRef)] }
            : ledger;

    /// <summary>An account's person holds as they are now: the person's holds from that account are replaced.</summary>
    public static DebtorLedger HoldsOf(DebtorLedger ledger, string accountRef, IEnumerable<HoldType> holds) =>
        ledger with
        {
            Holds = [.. ledger.Holds.Where(h => h.AccountRef != accountRef).Concat(holds.Where(PersonHolds.Contains).Distinct().Select(t => new DebtorHold(t, accountRef)))],
        };

    public static DebtorLedger MarkWrong(DebtorLedger ledger, IEnumerable<string> numbers) =>
        ledger with { WrongNumbers = [.. ledger.WrongNumbers.Union(numbers).TakeLast(AccountState.MaxWrongNumbers)] };

    /// <summary>The person's contacts per channel on their local day of <paramref name="now"/>.</summary>
    public static ImmutableSortedDictionary<string, int> ContactsToday(DebtorLedger ledger, DateTimeOffset now)
    {
        var zone = BusinessCalendar.Zone(ledger.TimeZone);
        var today = BusinessCalendar.LocalDate(now, zone);
        return ledger.Contacts.Where(c => BusinessCalendar.LocalDate(c.At, zone) == today)
            .GroupBy(c => c.Channel.ToString())
            .ToImmutableSortedDictionary(g => g.Key, g => g.Count());
    }

    private static DebtorLedger Record(DebtorLedger ledger, DebtorContact contact, DateTimeOffset now) =>
        ledger with
        {
            Contacts = [.. ledger.Contacts.Where(c => c.At > now - Outsourcing.ContactMemory).Append(contact).OrderBy(c => c.At).TakeLast(DebtorLedger.MaxContacts)],
        };

    private static ContactAttempt Attempt(DebtorContact contact) => new(contact.Channel, contact.At, contact.Outcome) { Number = contact.Number };
}
