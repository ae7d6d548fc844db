using System.Collections.Immutable;
using Collections.Contracts;
using Collections.Domain;
using Collections.Domain.Accounts;
using Collections.Domain.Contacts;
using Collections.Domain.Events;
using Collections.Grains.Contacts;
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
        var person = await ReserveTeamContactAsync(contact);
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
    /// For an account with a customerId: the debtor records the team's contact for the person (it happened,
    /// whatever the rules say) and answers its verdict by the per-person rules; null otherwise, or when the
    /// contact is not one the account would record at all (closed, too old, in the future).
    /// </summary>
    private async Task<ContactDecision?> ReserveTeamContactAsync(TeamContact contact)
    {
        if (state is null || DebtorOf(state) is not { } debtor)
        {
            return null;
        }

        var now = clock.Now;
        var at = contact.At ?? now;
        var rules = await AssignedRulesAsync(state);
        if (AccountLifecycle.RecordContact(state, contact.Channel, contact.Outcome, at, now, rules, out _).Rejection is not null)
        {
            return null;
        }

        var reservation = await debtor.ReserveAsync(PersonRequest(state, rules, $"{state.AccountRef}/v{state.Version}", contact.Channel, at, contact.Outcome), recordRefused: true);
        return reservation.Decision;
    }

    public Task<CommandResult> ChangeContactInfoAsync(ContactInfo info, string actor) =>
        ExecuteAsync((account, _, _) => AccountLifecycle.ChangeContactInfo(account, info.Phone, info.Email, info.Address, info.Source), actor);

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
    /// Sends every contact of the outbox and appends each result; a transient failure leaves it for the
    /// next round, and a failure to send or record at all is left to the wake (nothing is lost: what is
    /// in the outbox is re-sent with the same idempotency key).
    /// </summary>
    private async Task DispatchOutboxAsync()
    {
        try
        {
            foreach (var pending in state?.Contacts.Outbox ?? [])
            {
                if (await SendAsync(state!, pending) is { } sent)
                {
                    await AppendResultAsync(sent.Decision.Events, sent.Actor);
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogContactsBehind(logger, Key, ex.GetType().Name);
        }
    }

    /// <summary>Sends one outbox contact: its result to record, or null when a transient failure leaves it for the next round.</summary>
    private async Task<(Decision Decision, string Actor)?> SendAsync(AccountState account, PendingDispatch pending)
    {
        var result = await ContactGateway.SendAsync(MessageFor(account, pending, await AssignedRulesAsync(account)), CancellationToken.None);
        Decision decision;
        if (result.Sent)
        {
            decision = AccountLifecycle.RecordContactSent(account, pending.Id, result.Gateway, result.Reference, result.Preview, result.Result, clock.Now);
            metrics.ContactDispatchRound(pending.Channel, "sent");
        }
        else
        {
            dispatchRounds ??= [];
            var rounds = dispatchRounds[pending.Id] = dispatchRounds.GetValueOrDefault(pending.Id) + 1;
            metrics.ContactDispatchRound(pending.Channel, result.Permanent ? "refused" : "failed");
            LogDispatchFailed(logger, Key, pending.Id, rounds, result.Permanent);
            if (!result.Permanent && rounds < ContactSettings.MaxDispatchRounds)
            {
                return null;
            }

            var reason = result.Permanent ? result.Error ?? "refused" : $"{result.Error ?? "failed"} ({rounds} rounds)";
            decision = AccountLifecycle.RecordDispatchFailure(account, pending.Id, result.Gateway, reason);
        }

        dispatchRounds?.Remove(pending.Id);
        return (decision, result.Sent ? $"gateway:{result.Gateway}" : System);
    }

    /// <summary>After an activation (a silo lost mid-send, or the account collected idle), sends what the outbox still holds.</summary>
    private void ResumeOutboxAfterActivation()
    {
        if (state is null || state.Contacts.Outbox.IsEmpty)
        {
            return;
        }

        IGrainTimer? timer = null;
        timer = this.RegisterGrainTimer(
            async _ =>
            {
                timer?.Dispose();
                await DispatchOutboxAsync();
            },
            new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan));
    }

    private async Task<Wake?> ContactWakeAsync(AccountState account) =>
        AccountLifecycle.ContactWake(account, await AssignedRulesAsync(account), clock.Now, wakeOptions.Value.RetryPeriod * clock.Speed);

    private ContactMessage MessageFor(AccountState account, PendingDispatch pending, Domain.Strategies.Strategy rules)
    {
        var debtor = account.Record.Debtor;
        var content = AccountLifecycle.ContentOf(account, pending, clock.Now, rules);
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
            content.Summary());
    }

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Account {AccountKey} could not record or dispatch its contacts ({Error}); the wake retries")]
    private static partial void LogContactsBehind(ILogger logger, string accountKey, string error);

    [LoggerMessage(EventId = 1150, Level = LogLevel.Information, Message = "Account {AccountKey}: a contact broke rule {Rule} and is recorded as a violation")]
    private static partial void LogViolation(ILogger logger, string accountKey, string rule);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Information, Message = "Account {AccountKey}: contact {ContactId} was not sent (round {Round}, permanent: {Permanent})")]
    private static partial void LogDispatchFailed(ILogger logger, string accountKey, long contactId, int round, bool permanent);
}
