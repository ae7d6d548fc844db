using Collections.Domain;
using Collections.Domain.Accounts;
using Collections.Domain.Contacts;

namespace Collections.Contracts;

/// <summary>
/// Whether the debtor may be contacted on a channel now: the rule that decided (<c>allowed</c> when
/// allowed), why, and the first moment it would be allowed (null when a stop forbids it until lifted).
/// </summary>
[GenerateSerializer, Immutable, Alias("collections.ContactPermission")]
public sealed record ContactPermission(
    [property: Id(0)] bool Allowed,
    [property: Id(1)] string Rule,
    [property: Id(2)] string Detail,
    [property: Id(3)] DateTimeOffset? NextAllowedAt);

/// <summary>A contact the lender's own team made (at <see cref="At"/>, default now).</summary>
[GenerateSerializer, Immutable, Alias("collections.TeamContact")]
public sealed record TeamContact(
    [property: Id(0)] ContactChannel Channel,
    [property: Id(1)] ContactOutcome Outcome,
    [property: Id(2)] DateTimeOffset? At);

/// <summary>What a channel gateway reports about a contact it was sent.</summary>
[GenerateSerializer, Immutable, Alias("collections.ContactResultReport")]
public sealed record ContactResultReport(
    [property: Id(0)] ContactResultStatus Status,
    [property: Id(1)] ContactOutcome? Outcome,
    [property: Id(2)] DateTimeOffset? At,
    [property: Id(3)] string? Detail);

/// <summary>
/// The outcome of a contact command: whether it recorded anything (false for a repeat that changed
/// nothing), or why it was refused — for a contact that broke a rule, the rule and when it would next
/// be allowed (such a contact is still recorded, as a violation: <see cref="Recorded"/>);
/// <see cref="At"/> is the instant the contact was judged at; <see cref="ContactId"/> the sequence number of
/// the event that recorded it. <see cref="Exists"/> is false when there is no such account.
/// </summary>
[GenerateSerializer, Immutable, Alias("collections.ContactCommandResult")]
public sealed record ContactCommandResult(
    [property: Id(0)] bool Exists,
    [property: Id(1)] bool Recorded = false,
    [property: Id(2)] RejectionKind? RejectionKind = null,
    [property: Id(3)] string? Error = null,
    [property: Id(4)] string? Rule = null,
    [property: Id(5)] DateTimeOffset? NextAllowedAt = null,
    [property: Id(6)] DateTimeOffset? At = null,
    [property: Id(7)] long? ContactId = null);

/// <summary>New contact data for the debtor and where it comes from (<c>skip-trace</c>, <c>debtor</c>, <c>agency</c>…).</summary>
[GenerateSerializer, Immutable, Alias("collections.ContactInfo")]
public sealed record ContactInfo(
    [property: Id(0)] string? Phone,
    [property: Id(1)] string? Email,
    [property: Id(2)] string? Address,
    [property: Id(3)] string? Source);

/// <summary>
/// The account's contacts (implemented by the account grain, same key): the contact policy's verdict for a
/// dialer, the lender's team's contacts, and the results channel gateways report for the contacts the
/// engine sent.
/// </summary>
[Alias("collections.IAccountContactsGrain")]
public interface IAccountContactsGrain : IGrainWithStringKey
{
    /// <summary>May the debtor be contacted on <paramref name="channel"/> now; null when the account does not exist.</summary>
    [Alias("GetContactPermission"), Orleans.Concurrency.ReadOnly]
    Task<ContactPermission?> GetContactPermissionAsync(ContactChannel channel);

    /// <summary>Records a contact of the lender's team; one that broke a rule is recorded as a violation and answered 409.</summary>
    [Alias("RecordContact")]
    Task<ContactCommandResult> RecordContactAsync(TeamContact contact, string actor);

    /// <summary>Records a gateway's result for contact <paramref name="contactId"/>; idempotent per status.</summary>
    [Alias("RecordContactResult")]
    Task<ContactCommandResult> RecordContactResultAsync(long contactId, ContactResultReport result, string actor);

    /// <summary>New phone, email or postal address for the debtor (<c>ContactInfoChanged</c>); a new phone lifts a wrong-number block.</summary>
    [Alias("ChangeContactInfo")]
    Task<CommandResult> ChangeContactInfoAsync(ContactInfo info, string actor);
}
