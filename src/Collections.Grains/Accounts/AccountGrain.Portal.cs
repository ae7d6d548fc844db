using Collections.Contracts;
using Collections.Domain;
using Collections.Domain.Accounts;
using Collections.Domain.Events;
using Collections.Domain.Portal;

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

        var rules = await AssignedRulesAsync(state);
        var language = PortalRules.LanguageOf(state.Record.Debtor.Language, rules.Compliance.Profile);
        return new PortalIssueResult(new PortalLinkIssue(linkId,
            new PortalLink(state.LenderId, state.AccountRef, state.Record.CustomerId, language, recorded.At, link.ExpiresAt)));
    }

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
