using Collections.Domain;
using Collections.Domain.Contacts;

namespace Collections.Grains.Contacts;

/// <summary>
/// The debtor's contact data a gateway needs to reach them (the postal <see cref="Address"/> on letters only).
/// Personal data: sent, never logged.
/// </summary>
public sealed record ContactRecipient(string Name, string? Phone, string? Email, string Timezone, string? Address);

/// <summary>What is owed, item by item, for the message's text.</summary>
public sealed record ContactAmounts(
    string Currency, decimal Total, decimal Arrears, DateOnly DueDate, int DaysPastDue, decimal Principal, decimal Interest, decimal Fees, decimal Penalty);

/// <summary>What happens if nothing is paid: the next stage and the day it is entered.</summary>
public sealed record ContactNextStep(Stage Stage, DateOnly On);

/// <summary>
/// One contact to send, as a gateway receives it (and the webhook's JSON body). <see cref="IdempotencyKey"/>
/// is the same on every send of the contact: the receiver must act on a key once. <see cref="DisputeBy"/> is
/// the end of the US validation period; <see cref="Summary"/> the content without personal data, which is
/// what the audit trail keeps as the preview. <see cref="PortalUrl"/> is the link to the debtor's own page a
/// step with <c>portalLink</c> puts in the message: a secret of the debtor's, sent, never logged or kept.
/// </summary>
public sealed record ContactMessage(
    long ContactId,
    string IdempotencyKey,
    string LenderId,
    string AccountRef,
    ContactChannel Channel,
    Stage Stage,
    string Template,
    DateTimeOffset RequestedAt,
    ContactRecipient Debtor,
    ContactAmounts Amounts,
    string ResultsPath,
    ContactNextStep? Next,
    DateOnly? DisputeBy,
    string Summary,
    Uri? PortalUrl = null);

/// <summary>
/// What came of one send: accepted (with the gateway's reference, a preview of what went out, and a result
/// the gateway gave at once), or failed — <see cref="Permanent"/> when sending again cannot help.
/// </summary>
public sealed record ContactDispatchResult(
    bool Sent,
    string Gateway,
    string? Reference = null,
    string? Preview = null,
    (ContactResultStatus Status, ContactOutcome? Outcome)? Result = null,
    string? Error = null,
    bool Permanent = false);

/// <summary>A channel gateway: sends one contact. Implementations are silo singletons, safe for concurrent use.</summary>
public interface IContactGateway
{
    Task<ContactDispatchResult> SendAsync(ContactMessage message, CancellationToken cancellationToken);
}
