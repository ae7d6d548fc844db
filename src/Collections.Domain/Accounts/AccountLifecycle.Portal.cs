using Collections.Domain.Contacts;
using Collections.Domain.Events;
using Collections.Domain.Portal;
using Collections.Domain.Strategies;
using Orleans;

namespace Collections.Domain.Accounts;

/// <summary>A call-back the debtor asked for on their page: call between <see cref="From"/> and <see cref="To"/>.</summary>
[GenerateSerializer, Immutable, Alias("collections.CallbackWindow")]
public sealed record CallbackWindow(
    [property: Id(0)] DateTimeOffset From,
    [property: Id(1)] DateTimeOffset To,
    [property: Id(2)] DateTimeOffset RequestedAt);

/// <summary>
/// What the debtor's own page did on the account: links issued, opened and passed, and what the debtor did
/// there alone (the portfolio's portal figures), and the last call-back asked for.
/// </summary>
public sealed record PortalActivity(
    int LinksSent = 0,
    int Opened = 0,
    int Verified = 0,
    int Promises = 0,
    int Plans = 0,
    int Disputes = 0,
    int Hardship = 0,
    int Callbacks = 0,
    int PaymentIntents = 0,
    CallbackWindow? Callback = null)
{
    public static readonly PortalActivity None = new();
}

/// <summary>
/// The debtor's own page: links to it, and what only the debtor asks for there (a call-back, a payment through the
/// lender's provider). The debtor's promises, plans, disputes and hardship go through the collector's commands
/// with actor <c>debtor@{linkId}</c>; <see cref="ObservePortal"/> counts them.
/// </summary>
public static partial class AccountLifecycle
{
    /// <summary>
    /// A link to the debtor's page opens for the strategy's <c>portal.linkDays</c>; it needs a phone on file for the
    /// knowledge check. With <paramref name="contactId"/> it is the link a contact of the outbox carries (a step with
    /// <c>portalLink</c>): one each time the contact is sent in a new activation, since the token is never kept.
    /// </summary>
    public static Decision IssuePortalLink(AccountState state, string linkId, DateTimeOffset now, Strategy rules, long? contactId = null)
    {
        if (contactId is { } id && state.Contacts.Outbox.FirstOrDefault(p => p.Id == id) is not { PortalLink: true })
        {
            return Decision.Reject(RejectionKind.Conflict, $"contact {id} is not waiting to be sent with a link to the debtor's page");
        }

        if (state.Status == AccountStatus.Closed)
        {
            return ClosedConflict(state, "a link to the debtor's page");
        }

        if (state.Record.Debtor.Phone?.Count(char.IsAsciiDigit) is not >= 4)
        {
            return Decision.Reject(RejectionKind.Invalid,
                "the account has no phone number on file: the page asks the debtor for its last four digits before it shows anything; send the record with a phone first");
        }

        return new Decision([new PortalLinkIssued(linkId, now.AddDays(rules.Portal.LinkDays), contactId)]);
    }

    /// <summary>Records the revocation of the links still open (none: nothing to record).</summary>
    public static Decision RevokePortalLinks(int links) =>
        links > 0 ? new Decision([new PortalLinksRevoked(links)]) : Decision.None;

    /// <summary>The debtor opened link <paramref name="linkId"/> for the first time, or passed its knowledge check.</summary>
    public static Decision VisitPortal(string linkId, bool verified) => new([new PortalVisited(linkId, verified)]);

    /// <summary>
    /// The debtor asks to be called back in a window: at least <see cref="PortalRules.MinCallbackWindow"/> long, at
    /// most <see cref="PortalRules.MaxCallbackWindow"/>, starting in the future and within
    /// <see cref="PortalRules.MaxCallbackDaysAhead"/> days. Refused after cease-communication or on a closed account.
    /// </summary>
    public static Decision RequestCallback(AccountState state, DateTimeOffset from, DateTimeOffset to, string? note, DateTimeOffset now)
    {
        if (state.Status == AccountStatus.Closed)
        {
            return ClosedConflict(state, "a call-back request");
        }

        if (state.Holds.Any(h => h.Type == HoldType.CeaseCommunication))
        {
            return Decision.Reject(RejectionKind.Conflict, "the debtor asked that nobody contacts them (cease-communication hold); release it before a call-back");
        }

        if (to - from < PortalRules.MinCallbackWindow || to - from > PortalRules.MaxCallbackWindow)
        {
            return Decision.Reject(RejectionKind.Invalid,
                $"the window must be from {PortalRules.MinCallbackWindow.TotalMinutes:0} minutes to {PortalRules.MaxCallbackWindow.TotalHours:0} hours long");
        }

        if (from < now || from > now.AddDays(PortalRules.MaxCallbackDaysAhead))
        {
            return Decision.Reject(RejectionKind.Invalid, $"the window must start after now and within {PortalRules.MaxCallbackDaysAhead} days");
        }

        if (note is { Length: > PortalRules.MaxNoteLength })
        {
            return Decision.Reject(RejectionKind.Invalid, $"note is at most {PortalRules.MaxNoteLength} characters");
        }

        return new Decision([new CallbackRequested(from, to, string.IsNullOrWhiteSpace(note) ? null : note.Trim())]);
    }

    /// <summary>
    /// The debtor starts a payment of <paramref name="purpose"/>: the amount is what the account says it is (the
    /// arrears, the balance, the published settlement) or, for <see cref="PaymentPurpose.Other"/>, the debtor's
    /// amount up to the balance.
    /// </summary>
    public static Decision CreatePaymentIntent(AccountState state, string intentId, PaymentPurpose purpose, decimal? amount)
    {
        if (state.Status == AccountStatus.Closed)
        {
            return ClosedConflict(state, "a payment intent");
        }

        decimal? due = purpose switch
        {
            PaymentPurpose.Arrears => state.Arrears,
            PaymentPurpose.Balance => state.Balance.Total,
            PaymentPurpose.Settlement => state.Settlement is { Status: ApprovalStatus.Active } offer ? offer.Amount - offer.Paid : null,
            PaymentPurpose.Other => amount,
            _ => null,
        };
        if (purpose == PaymentPurpose.Settlement && due is null)
        {
            return Decision.Reject(RejectionKind.Conflict, "the lender has published no settlement offer for this account");
        }

        if (due is not { } pay || pay <= 0 || pay > state.Balance.Total || decimal.Round(pay, 4) != pay)
        {
            return Decision.Reject(RejectionKind.Invalid, $"amount must be above 0 and at most the balance ({state.Balance.Total} {state.Record.Currency})");
        }

        return new Decision([new PaymentIntentCreated(intentId, pay, state.Record.Currency, purpose)]);
    }

    /// <summary>What happens if nothing is paid: the stage the account enters next under <paramref name="effective"/> rules, and the day.</summary>
    public static (Stage? Stage, DateOnly? On) NextStageIfUnpaid(AccountState state, Strategy effective) =>
        (state.Status == AccountStatus.Active ? NextStageFor(state, effective) : null) is { } next
            ? (next, state.Record.DueDate.AddDays(effective.Stages.For(next)))
            : (null, null);

    /// <summary>The page's own events.</summary>
    private static AccountState ApplyPortal(AccountState state, AccountEvent e) => e.Data switch
    {
        PortalLinkIssued issued => state with
        {
            Version = e.Seq,
            Portal = state.Portal with { LinksSent = state.Portal.LinksSent + 1 },
            Contacts = issued.ContactId is { } contactId
                ? state.Contacts with { Outbox = [.. state.Contacts.Outbox.Select(p => p.Id == contactId ? p with { Link = new IssuedLink(issued.LinkId, issued.ExpiresAt) } : p)] }
                : state.Contacts,
        },
        PortalLinksRevoked => state with { Version = e.Seq },
        PortalVisited { Verified: false } => state with { Version = e.Seq, Portal = state.Portal with { Opened = state.Portal.Opened + 1 } },
        PortalVisited => state with { Version = e.Seq, Portal = state.Portal with { Verified = state.Portal.Verified + 1 } },
        CallbackRequested callback => state with
        {
            Version = e.Seq,
            Portal = state.Portal with { Callbacks = state.Portal.Callbacks + 1, Callback = new CallbackWindow(callback.From, callback.To, e.At) },
        },
        PaymentIntentCreated => state with { Version = e.Seq, Portal = state.Portal with { PaymentIntents = state.Portal.PaymentIntents + 1 } },
        _ => throw Unhandled(e),
    };

    /// <summary>Counts what the debtor did alone through the collector's commands (actor <c>debtor@…</c>).</summary>
    private static AccountState ObservePortal(AccountState state, AccountEvent e) =>
        !PortalRules.IsDebtor(e.Actor) ? state
        : e.Data switch
        {
            PromiseMade => state with { Portal = state.Portal with { Promises = state.Portal.Promises + 1 } },
            PlanSubmitted => state with { Portal = state.Portal with { Plans = state.Portal.Plans + 1 } },
            DisputeOpened => state with { Portal = state.Portal with { Disputes = state.Portal.Disputes + 1 } },
            HoldPlaced { Hold: HoldType.Hardship } => state with { Portal = state.Portal with { Hardship = state.Portal.Hardship + 1 } },
            _ => state,
        };
}
