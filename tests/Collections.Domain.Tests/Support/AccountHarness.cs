using Collections.Domain.Accounts;
using Collections.Domain.Events;

namespace Collections.Domain.Tests.Support;

/// <summary>
/// Plays the grain's part around the pure lifecycle: decides a command, applies the decided events to
/// the state in sequence, and keeps the history, so that a test reads as a series of commands.
/// </summary>
public sealed class AccountHarness(StrategyInForce? strategy = null)
{
    public const string LenderId = "L1";

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

    public Decision AdvanceTo(DateTimeOffset now) =>
        Record(new Decision(AccountLifecycle.Advance(State, now, Strategy.Rules, Strategy)), now);

    public Decision Pay(string paymentId, decimal amount, DateTimeOffset now) =>
        Record(AccountLifecycle.Pay(State, paymentId, amount, now, now), now);

    public Decision Close(ClosedReason reason, DateTimeOffset now) => Record(AccountLifecycle.Close(State, reason), now);

    public Wake? NextWake() => AccountLifecycle.NextWake(State, Strategy.Rules);

    private Decision Record(Decision decision, DateTimeOffset at)
    {
        foreach (var data in decision.Events)
        {
            var e = new AccountEvent((state?.Version ?? 0) + 1, at, $"lender:{LenderId}", data);
            state = AccountLifecycle.Apply(state, e);
            history.Add(e);
        }

        return decision;
    }
}
