namespace Collections.Domain.Events;

/// <summary>
/// A link to the debtor's own page was issued on this account, by a person or put in a contact message by the
/// strategy. <see cref="LinkId"/> names the link (derived from the hash of its token, never the token); it opens
/// until <see cref="ExpiresAt"/>. <see cref="ContactId"/> is the contact whose message carries it, when the strategy's
/// step put it there.
/// </summary>
public sealed record PortalLinkIssued(string LinkId, DateTimeOffset ExpiresAt, long? ContactId = null) : AccountEventData;
