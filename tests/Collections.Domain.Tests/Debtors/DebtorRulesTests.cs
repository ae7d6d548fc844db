using Collections.Domain.Accounts;
using Collections.Domain.Contacts;
using Collections.Domain.Debtors;

namespace Collections.Domain.Tests.Debtors;

public sealed class DebtorRulesTests
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
    private static readonly DateTimeOffset Morning = new(2026, 6, 10, 9, 0, 0, TimeSpan.FromHours(8));

    private static DebtorContactRequest Call(string account, int minute, ContactOutcome? outcome, ComplianceProfile profile = ComplianceProfile.CN) =>
        new(new DebtorContact($"{account}/{minute}", account, ContactChannel.Call, Morning.AddMinutes(minute), outcome, "+8613800138000"), profile, "Asia/Shanghai", 6);

    [Fact]
    public void Under_CN_a_person_with_three_loans_gets_three_effective_calls_a_day_not_nine()
    {
        var ledger = DebtorLedger.Empty;
        foreach (var (account, minute) in new[] { ("A1", 0), ("A2", 10), ("A3", 20) })
        {
            (ledger, var granted) = DebtorRules.Reserve(ledger, Call(account, minute, ContactOutcome.Conversation), recordRefused: false, Morning);
            Assert.True(granted.Allowed);
        }

        var (after, fourth) = DebtorRules.Reserve(ledger, Call("A1", 30, ContactOutcome.Conversation), recordRefused: false, Morning);

        Assert.Equal(ContactRules.EffectiveCallsPerDay, fourth.Rule);
        Assert.Same(ledger, after);
    }

    [Fact]
    public void A_contact_that_already_happened_is_recorded_for_the_person_even_when_it_broke_a_rule_and_counts_afterwards()
    {
        var ledger = DebtorLedger.Empty;
        for (var minute = 0; minute < 3; minute++)
        {
            (ledger, _) = DebtorRules.Reserve(ledger, Call("A1", minute, ContactOutcome.Refused), recordRefused: true, Morning);
        }

        var (after, broken) = DebtorRules.Reserve(ledger, Call("A2", 5, ContactOutcome.Conversation), recordRefused: true, Morning);

        Assert.False(broken.Allowed);
        Assert.Equal(4, after.Contacts.Length);
        Assert.Equal(ContactRules.EffectiveCallsPerDay, DebtorRules.Reserve(after, Call("A3", 6, ContactOutcome.NoAnswer), false, Morning).Decision.Rule);
    }

    [Fact]
    public void Reserving_the_same_contact_again_is_granted_without_counting_it_twice()
    {
        var (ledger, _) = DebtorRules.Reserve(DebtorLedger.Empty, Call("A1", 0, null), false, Morning);
        var (again, decision) = DebtorRules.Reserve(ledger, Call("A1", 0, null), false, Morning);

        Assert.True(decision.Allowed);
        Assert.Single(again.Contacts);
    }

    [Fact]
    public void A_cease_communication_bankruptcy_or_deceased_hold_on_one_account_stops_contact_on_every_account_of_the_person()
    {
        foreach (var (type, rule) in new[] { (HoldType.CeaseCommunication, ContactRules.CeaseCommunication), (HoldType.Bankruptcy, ContactRules.Hold), (HoldType.Deceased, ContactRules.Hold) })
        {
            var ledger = DebtorRules.HoldsOf(DebtorLedger.Empty, "A1", [type]);
            var context = DebtorRules.Join(new ContactContext(ComplianceProfile.US, Shanghai, []), ledger, "A2");
            Assert.Equal(rule, ContactPolicy.Evaluate(context, ContactChannel.Letter, Morning).Rule);
        }

        var hardship = DebtorRules.HoldsOf(DebtorLedger.Empty, "A1", [HoldType.Hardship]);
        Assert.Empty(hardship.Holds);
        Assert.Empty(DebtorRules.HoldsOf(DebtorRules.HoldsOf(DebtorLedger.Empty, "A1", [HoldType.Deceased]), "A1", []).Holds);
    }

    [Fact]
    public void A_number_reported_wrong_on_one_account_is_not_called_from_another()
    {
        var ledger = DebtorRules.MarkWrong(DebtorLedger.Empty, ["+8613800138000"]);

        Assert.Equal(ContactRules.WrongNumber, DebtorRules.Reserve(ledger, Call("A2", 0, null), false, Morning).Decision.Rule);
        Assert.True(DebtorRules.Reserve(ledger, Call("A2", 0, null) with { Contact = Call("A2", 0, null).Contact with { Number = "+8613900139000" } }, false, Morning).Decision.Allowed);
    }

    [Fact]
    public void Under_US_the_seven_in_seven_cap_stays_per_debt_for_the_person()
    {
        var ledger = DebtorLedger.Empty;
        for (var day = 0; day < 7; day++)
        {
            (ledger, _) = DebtorRules.Reserve(ledger, Call("A1", day * 24 * 60, ContactOutcome.NoAnswer, ComplianceProfile.US), false, Morning);
        }

        Assert.True(DebtorRules.Reserve(ledger, Call("A2", 6 * 24 * 60 + 60, ContactOutcome.NoAnswer, ComplianceProfile.US), false, Morning.AddDays(6)).Decision.Allowed);
    }
}
