using Collections.Contracts;
using Collections.Domain.Accounts;
using Collections.Domain.Portal;
using Collections.Grains.Portal;

namespace Collections.Host.Portal;

/// <summary>Why a link opens nothing: unknown, expired and revoked look the same (404); a locked link says so (423).</summary>
public enum PortalDenial
{
    /// <summary>No such link, or expired, or revoked: the same answer, so a token tells nothing by how it fails.</summary>
    NotFound,

    Locked,

    /// <summary>The link is good but no knowledge check was passed (or its session ended).</summary>
    NoSession,
}

/// <summary>A link that opens: its id (the actor's), and whose it is.</summary>
public sealed record OpenLink(string LinkId, byte[] Hash, PortalLink Link)
{
    public string Actor => PortalRules.ActorOf(LinkId);
}

/// <summary>The answer to a knowledge check.</summary>
public sealed record PortalCheck(PortalDenial? Denial, bool Right, int TriesLeft, string? Session, DateTimeOffset? ExpiresAt, string? Language);

/// <summary>
/// The debtor's page, for the JSON API and the Razor page alike: a token leads to its link, a right answer to the
/// knowledge check opens a session, and every action goes to the account the link names — or another account of
/// the same person at the same lender — with actor <c>debtor@{linkId}</c>. An account outside the link's person is
/// answered as unknown: no response ever carries another debtor's account.
/// </summary>
public sealed class PortalService(IGrainFactory grains, PortalSessions sessions)
{
    /// <summary>The link of <paramref name="token"/> if it opens; the first opening of a link is recorded on its account.</summary>
    public async Task<(OpenLink? Link, PortalDenial? Denial)> OpenAsync(string? token)
    {
        if (!PortalTokens.IsToken(token))
        {
            return (null, PortalDenial.NotFound);
        }

        var hash = PortalTokens.Hash(token!);
        var id = PortalTokens.IdOf(hash);
        var access = await grains.GetGrain<IPortalLinkGrain>(id).OpenAsync(hash);
        if (access is not { Status: PortalLinkStatus.Active, Link: { } link })
        {
            return (null, access.Status == PortalLinkStatus.Locked ? PortalDenial.Locked : PortalDenial.NotFound);
        }

        if (access.FirstOpen)
        {
            await PortalOf(link, link.AccountRef).RecordPortalVisitAsync(id, verified: false);
        }

        return (new OpenLink(id, hash, link), null);
    }

    /// <summary>The link of <paramref name="token"/> when <paramref name="session"/> is a passed knowledge check of it.</summary>
    public async Task<(OpenLink? Link, PortalDenial? Denial)> AuthorizeAsync(string? token, string? session)
    {
        var (link, denial) = await OpenAsync(token);
        return link is null ? (null, denial)
            : sessions.IsOpen(session, link.LinkId) ? (link, null)
            : (null, PortalDenial.NoSession);
    }

    /// <summary>
    /// Checks <paramref name="phoneLast4"/> (already validated as four digits) against the phone on file of the
    /// link's account; a right answer opens a session and is recorded on the account, a wrong one counts to the lock.
    /// </summary>
    public async Task<PortalCheck> CheckAsync(string? token, string phoneLast4)
    {
        var (open, denial) = await OpenAsync(token);
        if (open is null)
        {
            return new PortalCheck(denial, false, 0, null, null, null);
        }

        var facts = await PortalOf(open.Link, open.Link.AccountRef).GetPortalFactsAsync();
        var right = PortalRules.PhoneEndsWith(facts?.View.Contact.Phone, phoneLast4);
        var answered = await grains.GetGrain<IPortalLinkGrain>(open.LinkId).AnswerAsync(open.Hash, right);
        if (answered.Status == PortalLinkStatus.Locked)
        {
            return new PortalCheck(PortalDenial.Locked, false, 0, null, null, open.Link.Language);
        }

        if (answered is not { Status: PortalLinkStatus.Active, Link: { } link })
        {
            return new PortalCheck(PortalDenial.NotFound, false, 0, null, null, null);
        }

        if (!right)
        {
            return new PortalCheck(null, false, PortalRules.MaxFailedChecks - link.FailedChecks, null, null, link.Language);
        }

        await PortalOf(link, link.AccountRef).RecordPortalVisitAsync(open.LinkId, verified: true);
        var (session, expiresAt) = sessions.Open(open.LinkId);
        return new PortalCheck(null, true, PortalRules.MaxFailedChecks, session, expiresAt, link.Language);
    }

    /// <summary>The page: every account of the link's person at the lender (the link's own first).</summary>
    public async Task<PortalPage> PageAsync(OpenLink open)
    {
        var link = open.Link;
        var refs = new List<string> { link.AccountRef };
        if (link.CustomerId is { } customerId && await grains.GetGrain<IDebtorGrain>(DebtorKey.For(link.LenderId, customerId)).GetViewAsync() is { } debtor)
        {
            refs.AddRange(debtor.Accounts.Select(a => a.AccountRef).Where(r => r != link.AccountRef).Order(StringComparer.Ordinal));
        }

        var facts = await Task.WhenAll(refs.Select(r => FactsAsync(link, r)));
        return new PortalPage(link.Language, [.. facts.OfType<PortalFacts>().Select(PortalAccounts.From)]);
    }

    /// <summary>
    /// The facts of <paramref name="accountRef"/> when it belongs to the link's person (the link's own account, or one
    /// with the same customerId at the same lender now); null otherwise, as if it did not exist.
    /// </summary>
    public async Task<PortalFacts?> FactsAsync(PortalLink link, string accountRef)
    {
        if (!Api.Ids.Valid(link.LenderId, accountRef))
        {
            return null;
        }

        var facts = await PortalOf(link, accountRef).GetPortalFactsAsync();
        var theirs = link.CustomerId is null ? accountRef == link.AccountRef : facts?.View.CustomerId == link.CustomerId;
        return theirs ? facts : null;
    }

    /// <summary>
    /// Issues a link on the account: recorded on it first (expiry from its strategy), then listed for revocation, then
    /// created (<see cref="PortalTokens.ActivateAsync"/>) — so every link that works was audited and can be revoked.
    /// The token leaves only in the URL.
    /// </summary>
    public async Task<(Uri? Url, DateTimeOffset ExpiresAt, PortalIssueResult Result)> IssueAsync(string lenderId, string accountRef, string actor, Uri baseUrl)
    {
        var (token, hash, id) = PortalTokens.New();
        var result = await grains.GetGrain<IAccountPortalGrain>(AccountKey.For(lenderId, accountRef)).IssuePortalLinkAsync(id, actor);
        if (result.Issue is not { Link: var link })
        {
            return (null, default, result);
        }

        await PortalTokens.ActivateAsync(grains, id, hash, link);
        return (PortalTokens.UrlOf(baseUrl, token), link.ExpiresAt, result);
    }

    /// <summary>Revokes every open link of the account's person (and of the account alone, from before it had a customerId); null when there is no account.</summary>
    public async Task<CommandResult?> RevokeAsync(string lenderId, string accountRef, string actor)
    {
        if (await grains.GetGrain<IAccountGrain>(AccountKey.For(lenderId, accountRef)).GetViewAsync() is not { } view)
        {
            return null;
        }

        var scopes = new[] { PortalScope.For(lenderId, accountRef, null), PortalScope.For(lenderId, accountRef, view.CustomerId) }.Distinct();
        var revoked = await Task.WhenAll(scopes.Select(s => grains.GetGrain<IPortalLinksGrain>(s).RevokeAllAsync()));
        return await grains.GetGrain<IAccountPortalGrain>(AccountKey.For(lenderId, accountRef)).RecordPortalLinksRevokedAsync(revoked.Sum(r => r.Length), actor);
    }

    /// <summary>The account grain of one of the link's accounts (check it is the person's with <see cref="FactsAsync"/> first).</summary>
    public IAccountGrain Account(PortalLink link, string accountRef) =>
        grains.GetGrain<IAccountGrain>(AccountKey.For(link.LenderId, accountRef));

    public IAccountPortalGrain PortalOf(PortalLink link, string accountRef) =>
        grains.GetGrain<IAccountPortalGrain>(AccountKey.For(link.LenderId, accountRef));
}
