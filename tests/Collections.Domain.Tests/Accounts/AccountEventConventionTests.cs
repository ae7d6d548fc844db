using System.Collections.Immutable;
using System.Reflection;
using System.Text.Json.Serialization;
using Collections.Domain.Accounts;
using Collections.Domain.Events;
using Collections.Domain.Strategies;
using Collections.Domain.Tests.Support;

namespace Collections.Domain.Tests.Accounts;

/// <summary>
/// Conventions every account event follows, checked over all of them by reflection so that a new event
/// type is covered the day it is declared: it is stored under a discriminator, the fold has a rule for
/// it, and it reads back as it was written.
/// </summary>
public class AccountEventConventionTests
{
    private static readonly DateTimeOffset At = new(2026, 4, 10, 9, 0, 0, TimeSpan.Zero);

    private static readonly DateOnly Day = new(2026, 4, 20);

    public static TheoryData<string> EventTypes => [.. AllEventTypes().Select(t => t.Name)];

    [Fact]
    public void Every_event_type_is_registered_for_JSON_under_its_own_name()
    {
        var registered = typeof(AccountEventData).GetCustomAttributes<JsonDerivedTypeAttribute>()
            .ToDictionary(a => a.DerivedType, a => (string?)a.TypeDiscriminator);

        Assert.Equal(AllEventTypes().Select(t => t.Name).Order(), registered.Keys.Select(t => t.Name).Order());
        Assert.All(registered, r => Assert.Equal(r.Key.Name, r.Value));
    }

    [Theory]
    [MemberData(nameof(EventTypes))]
    public void The_fold_has_a_rule_for_every_event_type(string eventType)
    {
        var state = EveryArrangementOpen();
        var e = new AccountEvent(state.Version + 1, At, "convention", Sample(eventType));

        var next = AccountLifecycle.Apply(state, e);

        Assert.Equal(e.Seq, next.Version);
    }

    [Theory]
    [MemberData(nameof(EventTypes))]
    public void Every_event_type_round_trips_through_its_stored_JSON(string eventType)
    {
        var e = new AccountEvent(7, At, "convention", Sample(eventType));

        var json = AccountEventJson.Serialize(e);
        var back = AccountEventJson.Deserialize(json);

        Assert.Equal(eventType, back.Type);
        Assert.IsType(e.Data.GetType(), back.Data);
        Assert.Equal(json, AccountEventJson.Serialize(back));
    }

    private static IEnumerable<Type> AllEventTypes() =>
        typeof(AccountEventData).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(AccountEventData)) && !t.IsAbstract)
            .OrderBy(t => t.Name);

    /// <summary>An instance of the event type built from its widest constructor, every argument a plausible value.</summary>
    private static AccountEventData Sample(string eventType)
    {
        var type = AllEventTypes().Single(t => t.Name == eventType);
        var constructor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
        var arguments = constructor.GetParameters().Select(p => SampleOf(p.ParameterType, $"{eventType}.{p.Name}")).ToArray();
        return (AccountEventData)constructor.Invoke(arguments);
    }

    private static object SampleOf(Type type, string parameter)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying.IsEnum)
        {
            return Enum.GetValues(underlying).GetValue(0)!;
        }

        return underlying switch
        {
            _ when underlying == typeof(string) => "S-1",
            _ when underlying == typeof(decimal) => 10m,
            _ when underlying == typeof(int) => 1,
            _ when underlying == typeof(long) => 1L,
            _ when underlying == typeof(bool) => true,
            _ when underlying == typeof(DateOnly) => Day,
            _ when underlying == typeof(DateTimeOffset) => At,
            _ when underlying == typeof(AccountRecord) => Records.Account().Build(),
            _ when underlying == typeof(StrategyRef) => InForce.Standard.Ref,
            _ when underlying == typeof(Balance) => new Balance(10m, 0, 0, 0),
            _ when underlying == typeof(PlacementStats) => PlacementStats.Zero,
            _ when underlying == typeof(PlanTerms) => new PlanTerms([new PlanInstallment(Day, 10m)], Waiver.None),
            _ when underlying == typeof(ImmutableArray<string>) => ImmutableArray.Create("balance"),
            _ => throw new InvalidOperationException($"No sample value for {type.Name} ({parameter}): add one to {nameof(SampleOf)}."),
        };
    }

    /// <summary>A placed account with a promise, a pending plan and a pending settlement: a state every event can apply to.</summary>
    private static AccountState EveryArrangementOpen()
    {
        var record = Records.Account().Build();
        var state = AccountHarness.Opened(record, record.AtDpd(40)).State;
        return state with
        {
            Promise = new PromiseToPay(10m, Day, 3, At, 0),
            Plan = new PaymentPlan(new PlanTerms([new PlanInstallment(Day, 10m)], Waiver.None), ApprovalStatus.PendingApproval, 3, At, 0, 10m),
            Settlement = new SettlementOffer(10m, Day, ApprovalStatus.PendingApproval, At, 0, 10m),
            Outsourcing = state.Outsourcing with { Current = new Placement("AG1", state.Version, At, At.AddDays(90), 10m, 0.2m) },
        };
    }
}
