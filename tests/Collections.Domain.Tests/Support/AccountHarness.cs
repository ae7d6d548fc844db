using Collections.Domain.Accounts;
using Collections.Domain.Events;

namespace Collections.Domain.Tests.Support;

/// <summary>
/// Plays the grain's part around the pure lifecycle: decides a command, completes it as the grain does
/// (<see cref="AccountLifecycle.Complete"/>: the contacts and placement recalls it calls for), applies the
/// events to the state in sequence, and keeps the history, so that a test reads as a series of commands.
/// </summary>
public sealed class AccountHarness(StrategyInForce? strategy = null)
{
    public const string LenderId = "L1";

    /// <summary>Another key of the lender: approvals are checked by someone other than the maker.</summary>
    public const string Checker = $"lender:{LenderId}@checker";

    public const string Actor = $"lender:{LenderId}";

    private readonly List<AccountEvent> history = [];
    private AccountState? state;

    public StrategyInForce Strategy { get; } = strategy ?? InForce.Standard;

    public AccountState State => state ?? throw new InvalidOperationException("The account has not been opened.");

    public IReadOnlyList<AccountEvent> History => history;

    public IEnumerable<Stage> StagesEntered => history.Select(e => e.Data).OfType<StageEntered>().Select(e => e.Stage);

    public static AccountHarness Opened(AccountRecord record, DateTimeOffset at, StrategyInForce? strategy = null)
    {
        var account = new AccountHarness(strategy);
        account.Upsert(record, at);
        return account;
    }

    public (UpsertOutcome Outcome, Decision Decision) Upsert(AccountRecord record, DateTimeOffset now)
    {
        var result = AccountLifecycle.Upsert(state, LenderId, record, now, Strategy);
        Record(result.Decision, now);
        return result;
    }

    /// <summary>A wake at <paramref name="now"/>: what is due, and, even if nothing is, the contacts and recalls the state calls for.</summary>
    public Decision AdvanceTo(DateTimeOffset now)
    {
        var due = new Decision(AccountLifecycle.Advance(State, now, Strategy.Rules, Strategy));
        Append([.. due.Events.Select(e => (e, AccountLifecycle.SystemActor))], now, woke: true);
        return due;
    }

    public Decision Pay(string paymentId, decimal amount, DateTimeOffset now) =>
        Record(AccountLifecycle.Pay(State, paymentId, amount, now, now), now);

    public Decision Close(ClosedReason reason, DateTimeOffset now) => Record(AccountLifecycle.Close(State, reason), now);

    public Wake? NextWake() => AccountLifecycle.NextWake(State, Strategy.Rules);

    /// <summary>
    /// Runs a command as the grain does (<see cref="AccountLifecycle.Execute"/>: what is due first, then
    /// the command, then what it released) and records the events; a rejection records nothing. The command's
    /// events are recorded as <paramref name="actor"/> (the lender when not given).
    /// </summary>
    public Execution Execute(Func<AccountState, Domain.Strategies.Strategy, Decision> command, DateTimeOffset now, string actor = Actor)
    {
        var execution = AccountLifecycle.Execute(State, now, Strategy.Rules, Strategy, command);
        Append(
            [
                .. execution.Due.Select(e => (e, AccountLifecycle.SystemActor)),
                .. execution.Commanded.Select(e => (e, actor)),
                .. execution.Released.Select(e => (e, AccountLifecycle.SystemActor)),
            ],
            now);
        return execution;
    }

    /// <summary>A payment through <see cref="Execute"/>: follow-ups due at <paramref name="now"/> are decided before it counts.</summary>
    public Execution Payment(string paymentId, decimal amount, DateTimeOffset now) =>
        Execute((s, _) => AccountLifecycle.Pay(s, paymentId, amount, now, now), now);

    public Execution Promise(decimal amount, DateOnly dueDate, DateTimeOffset now) =>
        Execute((s, rules) => AccountLifecycle.MakePromise(s, amount, dueDate, now, rules), now);

    public Execution SubmitPlan(PlanTerms terms, DateTimeOffset now) =>
        Execute((s, rules) => AccountLifecycle.SubmitPlan(s, terms, now, rules), now);

    public Execution ApprovePlan(DateTimeOffset now, string approver = Checker) => Execute((s, _) => AccountLifecycle.ApprovePlan(s, approver), now);

    public Execution OfferSettlement(decimal amount, DateOnly expiresOn, DateTimeOffset now) =>
        Execute((s, rules) => AccountLifecycle.OfferSettlement(s, amount, expiresOn, now, rules), now);

    public Execution ApproveSettlement(DateTimeOffset now, string approver = Checker) => Execute((s, _) => AccountLifecycle.ApproveSettlement(s, approver), now);

    public Execution OpenDispute(string reason, DateTimeOffset now) => Execute((s, _) => AccountLifecycle.OpenDispute(s, reason, now), now);

    public Execution ResolveDispute(DisputeOutcome outcome, DateTimeOffset now) => Execute((s, _) => AccountLifecycle.ResolveDispute(s, outcome), now);

    public Execution PlaceHold(HoldType type, DateTimeOffset now, string? note = null) => Execute((s, _) => AccountLifecycle.PlaceHold(s, type, note), now);

    public Execution ReleaseHold(HoldType type, DateTimeOffset now) => Execute((s, _) => AccountLifecycle.ReleaseHold(s, type), now);

    public Execution Litigate(LitigationStep step, DateTimeOffset now, DateOnly? on = null, string? caseReference = null) =>
        Execute((s, _) => AccountLifecycle.RecordLitigationStep(s, step, on, caseReference, null, now), now);

    /// <summary>Events recorded so far of one type.</summary>
    public IEnumerable<T> Recorded<T>() => history.Select(e => e.Data).OfType<T>();

    private Decision Record(Decision decision, DateTimeOffset at)
    {
        Append([.. decision.Events.Select(e => (e, Actor))], at);
        return decision;
    }

    private void Append(IReadOnlyCollection<(AccountEventData Data, string Actor)> decided, DateTimeOffset at, bool woke = false)
    {
        if (decided.Count == 0 && !woke)
        {
            // As in the grain: a command that decides nothing records nothing.
            return;
        }

        var append = AccountLifecycle.Complete(state, decided, at, Strategy.Rules, Strategy);
        history.AddRange(append.Events);
        state = append.State;
    }
}
