using System.Collections.Immutable;
using Collections.Domain.Portal;

namespace Collections.Contracts;

/// <summary>What a presented link token leads to: the link when it is active, else only why not.</summary>
[GenerateSerializer, Immutable, Alias("collections.PortalAccess")]
public sealed record PortalAccess(
    [property: Id(0)] PortalLinkStatus Status,
    [property: Id(1)] PortalLink? Link,
    [property: Id(2)] bool FirstOpen = false)
{
    /// <summary>The answer for a token no link has (never issued, or another's hash).</summary>
    public static readonly PortalAccess Unknown = new(PortalLinkStatus.Revoked, null);
}

/// <summary>
/// One link to a debtor's own page, keyed by its id (derived from the SHA-256 of its token, as API keys are).
/// Only the hash is stored; a token that does not match the stored hash is answered as unknown. It counts the
/// knowledge check's wrong answers and locks at <see cref="PortalRules.MaxFailedChecks"/>.
/// </summary>
[Alias("collections.IPortalLinkGrain")]
public interface IPortalLinkGrain : IGrainWithStringKey
{
    [Alias("Create")]
    Task CreateAsync(byte[] tokenHash, PortalLink link);

    /// <summary>The link for this token; the first call on an active link says so (<see cref="PortalAccess.FirstOpen"/>) and records it.</summary>
    [Alias("Open")]
    Task<PortalAccess> OpenAsync(byte[] tokenHash);

    /// <summary>Counts one answer to the knowledge check (right or wrong, as the caller found it against the phone on file).</summary>
    [Alias("Answer")]
    Task<PortalAccess> AnswerAsync(byte[] tokenHash, bool right);

    /// <summary>Revokes the link; false when it was revoked already or never created.</summary>
    [Alias("Revoke")]
    Task<bool> RevokeAsync();
}

/// <summary>
/// The links issued to one debtor of a lender (key <c>{lenderId}/{customerId}</c>, or <c>{lenderId}/{accountRef}</c>
/// for an account without a customerId — see <see cref="PortalScope"/>): what <c>DELETE …/portal-links</c> revokes.
/// Expired links are dropped as new ones come, so the list stays small.
/// </summary>
[Alias("collections.IPortalLinksGrain")]
public interface IPortalLinksGrain : IGrainWithStringKey
{
    /// <summary>Lists a link before it is created, so that every link that works is one that can be revoked.</summary>
    [Alias("Add")]
    Task AddAsync(string linkId, DateTimeOffset expiresAt);

    /// <summary>Revokes every listed link; the ids of those that were still open.</summary>
    [Alias("RevokeAll")]
    Task<ImmutableArray<string>> RevokeAllAsync();
}

/// <summary>Whose links a <see cref="IPortalLinksGrain"/> keeps: the person when the lender named one, else the account.</summary>
public static class PortalScope
{
    public static string For(string lenderId, string accountRef, string? customerId) =>
        customerId is null ? $"{lenderId}/account:{accountRef}" : $"{lenderId}/customer:{customerId}";
}

/// <summary>A link issued on an account: its id and until when it opens, with what the link grain keeps about whose it is.</summary>
[GenerateSerializer, Immutable, Alias("collections.PortalLinkIssue")]
public sealed record PortalLinkIssue(
    [property: Id(0)] string LinkId,
    [property: Id(1)] PortalLink Link);

/// <summary>The issue of a link on an account, or why it was refused.</summary>
[GenerateSerializer, Immutable, Alias("collections.PortalIssueResult")]
public sealed record PortalIssueResult(
    [property: Id(0)] PortalLinkIssue? Issue,
    [property: Id(1)] Domain.Accounts.RejectionKind? RejectionKind = null,
    [property: Id(2)] string? Error = null);

/// <summary>The account's side of the debtor's own page (the same grain as <see cref="IAccountGrain"/>).</summary>
[Alias("collections.IAccountPortalGrain")]
public interface IAccountPortalGrain : IGrainWithStringKey
{
    /// <summary>Records the issue of link <paramref name="linkId"/> (expiry from the strategy) and returns what its grain keeps.</summary>
    [Alias("IssuePortalLink")]
    Task<PortalIssueResult> IssuePortalLinkAsync(string linkId, string actor);

    /// <summary>Records that <paramref name="links"/> open links were revoked.</summary>
    [Alias("RecordPortalLinksRevoked")]
    Task<CommandResult> RecordPortalLinksRevokedAsync(int links, string actor);

    /// <summary>Records the first opening of a link or a passed knowledge check.</summary>
    [Alias("RecordPortalVisit")]
    Task<CommandResult> RecordPortalVisitAsync(string linkId, bool verified);

    [Alias("RequestCallback")]
    Task<CommandResult> RequestCallbackAsync(DateTimeOffset from, DateTimeOffset to, string? note, string actor);

    /// <summary>A payment the debtor starts, handed to the lender's payment provider through the lender webhook.</summary>
    [Alias("CreatePaymentIntent")]
    Task<PaymentIntentResult> CreatePaymentIntentAsync(string intentId, PaymentPurpose purpose, decimal? amount, string actor);

    /// <summary>The state the debtor's page shows: the view, what the strategy allows and what the page did; null when the account does not exist.</summary>
    [Alias("GetPortalFacts"), Orleans.Concurrency.ReadOnly]
    Task<PortalFacts?> GetPortalFactsAsync();
}

/// <summary>What the debtor's page reads from an account beyond its view: the limits of the strategy it follows, and the phone to check.</summary>
[GenerateSerializer, Immutable, Alias("collections.PortalFacts")]
public sealed record PortalFacts(
    [property: Id(0)] AccountView View,
    [property: Id(1)] Domain.Strategies.NegotiationPolicy Negotiation,
    [property: Id(2)] string Language,
    [property: Id(3)] DateOnly Today,
    [property: Id(4)] Domain.Stage? NextStage,
    [property: Id(5)] DateOnly? NextStageOn,
    [property: Id(6)] Domain.Accounts.CallbackWindow? Callback);

/// <summary>A payment intent the account recorded (amount as the account decided it), or why it refused.</summary>
[GenerateSerializer, Immutable, Alias("collections.PaymentIntentResult")]
public sealed record PaymentIntentResult(
    [property: Id(0)] CommandResult Result,
    [property: Id(1)] decimal Amount = 0,
    [property: Id(2)] string? Currency = null);
