using System.Collections.Immutable;
using System.Diagnostics;
using System.Text;
using Collections.Contracts;
using Collections.Domain;
using Collections.Domain.Accounts;
using Collections.Domain.Contacts;
using Collections.Domain.Events;
using Collections.Grains.Contacts;
using Collections.Grains.Documents;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Collections.Grains.Accounts;

/// <summary>
/// The account's contacts: the strategy's plan turned into contacts at the moments the policy allows,
/// and their dispatch through the channel gateway with an outbox in the account's own log:
/// <list type="number">
/// <item>a due contact is recorded as <c>ContactDispatchRequested</c> (with its idempotency key) before
/// anything is sent — while it is pending the wake reminder is due one retry interval later, in case the silo is lost before it is sent;</item>
/// <item>the account sends it through the gateway (the webhook retries with backoff) and records the
/// result: <c>ContactSent</c>, or <c>ContactDispatchFailed</c> when it was refused or the rounds ran out;</item>
/// <item>a silo lost in between leaves the request in the log: the next activation (a timer at activation,
/// else the wake) sends it again with the same key, so the receiver acts once; a gateway result that
/// arrives first settles it as sent.</item>
/// </list>
/// Which contacts are due is decided by the domain with every append, in the same append
/// (<see cref="AccountLifecycle.Complete"/>); this file sends the outbox after it.
/// </summary>
public sealed partial class AccountGrain : IAccountContactsGrain
{
    private IContactGateway ContactGateway => ServiceProvider.GetRequiredService<IContactGateway>();

    private IDocumentStore DocumentStore => ServiceProvider.GetRequiredService<IDocumentStore>();

    private ContactOptions ContactSettings => ServiceProvider.GetRequiredService<IOptions<ContactOptions>>().Value;

    public async Task<ContactPermission?> GetContactPermissionAsync(ContactChannel channel)
    {
        if (state is null)
        {
            return null;
        }

        var account = await PersonOfAsync(state) is { } person ? state with { Person = person } : state;
        var (decision, next) = AccountLifecycle.ContactPermission(account, channel, clock.Now, await AssignedRulesAsync(state));
        return new ContactPermission(decision.Allowed, decision.Rule, decision.Detail, next);
    }

    public async Task<ContactCommandResult> RecordContactAsync(TeamContact contact, string actor)
    {
        ContactDecision? verdict = null;
        DateTimeOffset at = default;
        Decision? decided = null;
        var person = await ReservePersonContactAsync(
            contact.Channel, contact.Outcome, contact.At, (account, rules, now) => AccountLifecycle.RecordContact(account, contact.Channel, contact.Outcome, contact.At ?? now, now, rules, out _));
        var (result, append) = await ExecuteRecordingAsync(
            (account, rules, now) =>
            {
                at = contact.At ?? now;
                decided = AccountLifecycle.RecordContact(account, contact.Channel, contact.Outcome, at, now, rules, out verdict, person);
                return decided;
            },
            actor);
        if (state is null)
        {
            return new ContactCommandResult(false);
        }

        if (result.RejectionKind is { } kind)
        {
            return new ContactCommandResult(true, false, kind, result.Error);
        }

        var recorded = decided!.Events.Single();
        var contactId = append.Events.FirstOrDefault(e => ReferenceEquals(e.Data, recorded))?.Seq;
        if (verdict is { Allowed: false } broken)
        {
            var next = AccountLifecycle.ContactPermission(state, contact.Channel, clock.Now, await AssignedRulesAsync(state)).NextAllowedAt;
            LogViolation(logger, Key, broken.Rule);
            return new ContactCommandResult(true, true, RejectionKind.Conflict, $"the contact broke a rule ({broken.Rule}): {broken.Detail}; it is recorded as a violation", broken.Rule, next, at, contactId);
        }

        return new ContactCommandResult(true, true, At: at, ContactId: contactId);
    }

    /// <summary>
    /// For an account with a customerId: the debtor records a contact made by hand — the team's or the agency's —
    /// for the person (it happened, whatever the rules say) and answers its verdict by the per-person rules; null
    /// otherwise, or when <paramref name="record"/> (the account's own recording of it, without the person)
    /// would not record it at all (closed, not placed, too old, in the future).
    /// </summary>
    private async Task<ContactDecision?> ReservePersonContactAsync(
        ContactChannel channel, ContactOutcome outcome, DateTimeOffset? contactAt, Func<AccountState, Domain.Strategies.Strategy, DateTimeOffset, Decision> record)
    {
        if (state is null || DebtorOf(state) is not { } debtor)
        {
            return null;
        }

        var now = clock.Now;
        var at = contactAt ?? now;
        var rules = await AssignedRulesAsync(state);
        if (record(state, rules, now) is { Rejection: not null } or { Events.IsEmpty: true })
        {
            return null;
        }

        var reservation = await debtor.ReserveAsync(PersonRequest(state, rules, $"{state.AccountRef}/v{state.Version}", channel, at, outcome), recordRefused: true);
        return reservation.Decision;
    }

    public Task<CommandResult> ChangeContactInfoAsync(ContactInfo info, string actor) =>
        ExecuteAsActorAsync(actor, (account, _, _) => AccountLifecycle.ChangeContactInfo(account, info.Phone, info.Email, info.Address, info.Source));

    public async Task<ContactCommandResult> RecordContactResultAsync(long contactId, ContactResultReport result, string actor)
    {
        var gateway = actor.StartsWith("gateway:", StringComparison.Ordinal) ? actor["gateway:".Length..] : "webhook";
        var outcome = await ExecuteAsync(
            (account, _, now) => AccountLifecycle.RecordContactResult(account, contactId, result.Status, result.Outcome, result.At, result.Detail, gateway, now),
            actor);
        if (state is null)
        {
            return new ContactCommandResult(false);
        }

        if (outcome.RejectionKind is { } kind)
        {
            return new ContactCommandResult(true, false, kind, outcome.Error);
        }

        if (result.Outcome is { } reported && outcome.Recorded > 0 && DebtorOf(state) is { } debtor)
        {
            await debtor.ReportOutcomeAsync($"{state.AccountRef}/{contactId}", reported);
        }

        return new ContactCommandResult(true, outcome.Recorded > 0);
    }

    /// <summary>
    /// Sends the outbox's contacts and appends their results, all of one turn in one append; a transient
    /// failure leaves a contact for the next round, and a failure to send or record at all is left to the
    /// wake (nothing is lost: what is in the outbox is re-sent with the same idempotency key).
    /// </summary>
    /// <remarks>
    /// The sends of one turn share one <see cref="ContactOptions.DispatchTimeout"/> (itself shorter than
    /// Orleans' response timeout), however many contacts are due: a slow receiver never holds the account,
    /// or a caller waiting behind it, for longer. What the budget did not reach is sent in a turn of its own
    /// right after; a send cut short is not a failed round, only one not known to have happened.
    /// Each result is completed from the state after the ones before it, as if appended alone, so the log
    /// reads the same as one append per send; storing them once saves a write, a wake and the reports per
    /// further send. A silo lost before that write re-sends them all with their keys, as it would re-send
    /// the one in flight.
    /// </remarks>
    private async Task DispatchOutboxAsync()
    {
        // Most commits leave nothing to send: no budget (and no timer) for those.
        if (state is null || state.Contacts.Outbox.IsEmpty)
        {
            return;
        }

        var budget = ContactSettings.DispatchTimeout;
        using var turn = new CancellationTokenSource(budget);
        var started = Stopwatch.GetTimestamp();
        var results = ImmutableArray.CreateBuilder<AccountEvent>();
        var after = state;
        var unfinished = false;
        try
        {
            // Links to the debtor's page are recorded (an append each) before anything is sent, so that every
            // result of the turn completes from a state that already has them.
            foreach (var pending in state.Contacts.Outbox.Where(p => p.PortalLink))
            {
                await PortalUrlForAsync(pending);
            }

            after = state!;
            foreach (var pending in after.Contacts.Outbox)
            {
                // A send that could not finish in what is left would only be cut short.
                if (Stopwatch.GetElapsedTime(started) > budget * 0.9)
                {
                    unfinished = true;
                    break;
                }

                if (await SendAsync(after, pending, turn.Token) is { IsEmpty: false } sent)
                {
                    var completed = await CompleteWithPersonAsync(after, sent, await AssignedRulesAsync(after), await LatestAsync(after));
                    results.AddRange(completed.Events);
                    after = completed.State! with { Person = null };
                }
            }
        }
        catch (OperationCanceledException) when (turn.IsCancellationRequested)
        {
            unfinished = true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogContactsBehind(logger, Key, ex.GetType().Name);
        }

        try
        {
            await RecordAsync(new Append(results.ToImmutable(), after));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogContactsBehind(logger, Key, ex.GetType().Name);
        }

        if (unfinished)
        {
            ResumeOutboxSoon();
        }
    }

    /// <summary>
    /// Sends one outbox contact: its result to record (with the letter kept of it), or null when a transient
    /// failure leaves it for the next round. A letter is stored before it is sent, so that what the debtor
    /// receives is always kept; the account records it with the send, in the same append.
    /// </summary>
    private async Task<ImmutableArray<(AccountEventData Data, string Actor)>?> SendAsync(AccountState account, PendingDispatch pending, CancellationToken turn)
    {
        // Issued and recorded before the turn's sends (DispatchOutboxAsync); a link that could not be issued is null.
        var portalUrl = pending.PortalLink ? portalUrls?.GetValueOrDefault(pending.Id) : null;

        var now = clock.Now;
        var content = AccountLifecycle.ContentOf(account, pending, now, await AssignedRulesAsync(account));
        var letter = AccountLifecycle.KeepsLetter(account, pending) ? await StoreLetterAsync(AccountLifecycle.LetterOf(account, pending, content, now), turn) : null;
        var result = await ContactGateway.SendAsync(MessageFor(account, pending, content, portalUrl), turn);
        if (result.Sent)
        {
            portalUrls?.Remove(pending.Id);
            var sent = AccountLifecycle.RecordContactSent(account, pending.Id, result.Gateway, result.Reference, result.Preview, result.Result, clock.Now);
            metrics.ContactDispatchRound(pending.Channel, "sent");
            dispatchRounds?.Remove(pending.Id);
            var kept = letter is null || sent.Events.IsEmpty ? [] : AccountLifecycle.KeepLetter(account, pending.Id, pending.TemplateId, letter).Events;
            return [.. sent.Events.Select(e => (e, $"gateway:{result.Gateway}")), .. kept.Select(e => (e, System))];
        }

        dispatchRounds ??= [];
        var rounds = dispatchRounds[pending.Id] = dispatchRounds.GetValueOrDefault(pending.Id) + 1;
        metrics.ContactDispatchRound(pending.Channel, result.Permanent ? "refused" : "failed");
        LogDispatchFailed(logger, Key, pending.Id, rounds, result.Permanent);
        if (!result.Permanent && rounds < ContactSettings.MaxDispatchRounds)
        {
            return null;
        }

        var reason = result.Permanent ? result.Error ?? "refused" : $"{result.Error ?? "failed"} ({rounds} rounds)";
        dispatchRounds.Remove(pending.Id);
        portalUrls?.Remove(pending.Id);
        return [.. AccountLifecycle.RecordDispatchFailure(account, pending.Id, result.Gateway, reason).Events.Select(e => (e, System))];
    }

    /// <summary>Stores a letter's text in the document store: its storage id, size and SHA-256.</summary>
    /// <remarks>The engine's letters are a few kilobytes; Collections:Documents:MaxBytes bounds what people upload.</remarks>
    private Task<StoredContent> StoreLetterAsync(string letter, CancellationToken cancellationToken) =>
        DocumentStore.PutAsync(Encoding.UTF8.GetBytes(letter), cancellationToken);

    /// <summary>
    /// Sends what the outbox still holds in a turn of its own, at once: after an activation (a silo lost
    /// mid-send, or the account collected idle), or when a turn's dispatch budget ran out.
    /// </summary>
    private void ResumeOutboxSoon()
    {
        if (state is null || state.Contacts.Outbox.IsEmpty || resumeOutbox is not null)
        {
            return;
        }

        resumeOutbox = this.RegisterGrainTimer(
            async _ =>
            {
                resumeOutbox?.Dispose();
                resumeOutbox = null;
                await DispatchOutboxAsync();
            },
            new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan));
    }

    private async Task<Wake?> ContactWakeAsync(AccountState account) =>
        AccountLifecycle.ContactWake(account, await AssignedRulesAsync(account), clock.Now, wakeOptions.Value.RetryPeriod * clock.Speed);

    private static ContactMessage MessageFor(AccountState account, PendingDispatch pending, ContactContent content, Uri? portalUrl)
    {
        var debtor = account.Record.Debtor;
        var owed = content.Owed;
        return new ContactMessage(
            pending.Id,
            pending.IdempotencyKey,
            account.LenderId,
            account.AccountRef,
            pending.Channel,
            pending.Stage,
            content.Template,
            pending.RequestedAt,
            new ContactRecipient(debtor.BorrowerName, debtor.Phone, debtor.Email, debtor.TimeZone, content.Address),
            new ContactAmounts(content.Currency, owed.Total, content.Arrears, content.DueDate, content.DaysPastDue, owed.Principal, owed.Interest, owed.Fees, owed.Penalty),
            $"/api/v1/lenders/{account.LenderId}/accounts/{account.AccountRef}/contacts/{pending.Id}/results",
            content.NextStage is { } next && content.NextStageOn is { } on ? new ContactNextStep(next, on) : null,
            content.DisputeBy,
            content.Summary(),
            portalUrl);
    }

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Account {AccountKey} could not record or dispatch its contacts ({Error}); the wake retries")]
    private static partial void LogContactsBehind(ILogger logger, string accountKey, string error);

    [LoggerMessage(EventId = 1150, Level = LogLevel.Information, Message = "Account {AccountKey}: a contact broke rule {Rule} and is recorded as a violation")]
    private static partial void LogViolation(ILogger logger, string accountKey, string rule);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Information, Message = "Account {AccountKey}: contact {ContactId} was not sent (round {Round}, permanent: {Permanent})")]
    private static partial void LogDispatchFailed(ILogger logger, string accountKey, long contactId, int round, bool permanent);
}
