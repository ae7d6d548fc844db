using Collections.Contracts;
using Collections.Domain;
using Collections.Domain.Accounts;
using Collections.Domain.Contacts;
using Collections.Domain.Events;
using Collections.Domain.Portal;
using Collections.Grains.Portal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Collections.Grains.Accounts;

/// <summary>
/// The account's side of the debtor's own page, through the one write path: links issued and revoked, visits,
/// call-backs and payment intents. The debtor's promises, plans, disputes and hardship are the account's usual
/// commands, with actor <c>debtor@{linkId}</c>.
/// </summary>
public sealed partial class AccountGrain : IAccountPortalGrain
{
    public async Task<PortalIssueResult> IssuePortalLinkAsync(string linkId, string actor)
    {
        var (result, append) = await ExecuteRecordingAsync((account, rules, now) => AccountLifecycle.IssuePortalLink(account, linkId, now, rules), actor);
        if (result.RejectionKind is { } kind)
        {
            return new PortalIssueResult(null, kind, result.Error);
        }

        if (state is null || append.Events.FirstOrDefault(e => e.Data is PortalLinkIssued issued && issued.LinkId == linkId) is not { Data: PortalLinkIssued link } recorded)
        {
            return new PortalIssueResult(null);
        }

        return new PortalIssueResult(new PortalLinkIssue(linkId, await PortalLinkOfAsync(state, recorded.At, link)));
    }

    /// <summary>What the link grain keeps of a link the account recorded at <paramref name="at"/>: whose it is, in which language, until when.</summary>
    private async Task<PortalLink> PortalLinkOfAsync(AccountState account, DateTimeOffset at, PortalLinkIssued issued)
    {
        var rules = await AssignedRulesAsync(account);
        var language = PortalRules.LanguageOf(account.Record.Debtor.Language, rules.Compliance.Profile);
        return new PortalLink(account.LenderId, account.AccountRef, account.Record.CustomerId, language, at, issued.ExpiresAt);
    }

    /// <summary>
    /// The link an outbox contact's message carries (its step has <c>portalLink</c>): the one issued for it in this
    /// activation, else a new one — recorded on the account first (<see cref="PortalLinkIssued"/> with the contact, as
    /// the system's), then listed for revocation and created, as the lender's links are. Only this activation holds
    /// the token: a send after a lost silo issues another link, recorded the same way (see docs/portal.md). Null — the
    /// message goes without a link — when the page's public address is unknown or the account cannot have a link.
    /// </summary>
    private async Task<Uri?> PortalUrlForAsync(PendingDispatch pending)
    {
        if (!pending.PortalLink || state is null)
        {
            return null;
        }

        if (portalUrls?.GetValueOrDefault(pending.Id) is { } issued)
        {
            return issued;
        }

        if (ServiceProvider.GetService<IPortalAddress>()?.PublicUrl is not { } publicUrl)
        {
            LogNoPortalLink(logger, Key, pending.Id, "the page's public address is unknown (Collections:Portal:PublicUrl)");
            return null;
        }

        var (token, hash, linkId) = PortalTokens.New();
        var rules = await AssignedRulesAsync(state);
        var decision = AccountLifecycle.IssuePortalLink(state, linkId, clock.Now, rules, pending.Id);
        if (decision.Rejection is { } rejection)
        {
            LogNoPortalLink(logger, Key, pending.Id, rejection.Message);
            return null;
        }

        var append = await AppendAsync([.. decision.Events.Select(e => (e, System))], rules, await LatestAsync(state));
        if (append.Events.FirstOrDefault(e => e.Data is PortalLinkIssued link && link.LinkId == linkId) is not { Data: PortalLinkIssued link } recorded)
        {
            return null;
        }

        await PortalTokens.ActivateAsync(GrainFactory, linkId, hash, await PortalLinkOfAsync(state!, recorded.At, link));
        var url = PortalTokens.UrlOf(publicUrl, token);
        (portalUrls ??= [])[pending.Id] = url;
        return url;
    }

    [LoggerMessage(EventId = 1160, Level = LogLevel.Warning, Message = "Account {AccountKey}: contact {ContactId} goes without a link to the debtor's page: {Reason}")]
    private static partial void LogNoPortalLink(ILogger logger, string accountKey, long contactId, string reason);

    public Task<CommandResult> RecordPortalLinksRevokedAsync(int links, string actor) =>
        ExecuteAsync((_, _, _) => AccountLifecycle.RevokePortalLinks(links), actor);

    public Task<CommandResult> RecordPortalVisitAsync(string linkId, bool verified) =>
        ExecuteAsync((_, _, _) => AccountLifecycle.VisitPortal(linkId, verified), PortalRules.ActorOf(linkId));

    public Task<CommandResult> RequestCallbackAsync(DateTimeOffset from, DateTimeOffset to, string? note, string actor) =>
        ExecuteAsync((account, _, now) => AccountLifecycle.RequestCallback(account, from, to, note, now), actor);

    public async Task<PaymentIntentResult> CreatePaymentIntentAsync(string intentId, PaymentPurpose purpose, decimal? amount, string actor)
    {
        var (result, append) = await ExecuteRecordingAsync((account, _, _) => AccountLifecycle.CreatePaymentIntent(account, intentId, purpose, amount), actor);
        return append.Events.Select(e => e.Data).OfType<PaymentIntentCreated>().FirstOrDefault(i => i.IntentId == intentId) is { } intent
            ? new PaymentIntentResult(result, intent.Amount, intent.Currency)
            : new PaymentIntentResult(result);
    }

    public async Task<PortalFacts?> GetPortalFactsAsync()
    {
        if (state is null)
        {
            return null;
        }

        var account = state;
        var rules = AccountLifecycle.Effective(account, await AssignedRulesAsync(account));
        var (next, on) = AccountLifecycle.NextStageIfUnpaid(account, rules);
        return new PortalFacts(
            await ViewAsync(account),
            rules.Negotiation,
            PortalRules.LanguageOf(account.Record.Debtor.Language, rules.Compliance.Profile),
            BusinessCalendar.LocalDate(clock.Now, account.Zone),
            next,
            on,
            account.Portal.Callback);
    }
}
