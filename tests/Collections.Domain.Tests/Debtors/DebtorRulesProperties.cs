using Collections.Domain.Accounts;
using Collections.Domain.Contacts;
using Collections.Domain.Debtors;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Collections.Domain.Tests.Debtors;

/// <summary>
/// Contacts on several accounts of one person, in any interleaving: each a call or SMS on one of the accounts,
/// a gap in minutes, the outcome, and whether it already happened (a team's contact, recorded whatever the
/// verdict) or is the engine's (made only when allowed).
/// </summary>
public sealed record PersonRun(string TimeZone, (int Account, ContactChannel Channel, int GapMinutes, ContactOutcome Outcome, bool Happened)[] Contacts)
{
    public override string ToString() =>
        $"PersonRun {{ {TimeZone}, [{string.Join(", ", Contacts.Select(c => $"A{c.Account}:{c.Channel}+{c.GapMinutes}m:{c.Outcome}{(c.Happened ? "!" : "")}"))}] }}";
}

public static class PersonArbitraries
{
    public static Arbitrary<PersonRun> Runs() =>
        (from zone in Gen.Elements("Asia/Shanghai", "UTC", "America/New_York", "Australia/Sydney")
         from contacts in Gen.ArrayOf(
             from account in Gen.Choose(0, 2)
             from channel in Gen.Frequency((5, Gen.Constant(ContactChannel.Call)), (1, Gen.Constant(ContactChannel.Sms)))
             from gap in Gen.Frequency((5, Gen.Choose(0, 90)), (1, Gen.Choose(90, 24 * 60)))
             from outcome in Gen.Elements(Enum.GetValues<ContactOutcome>())
             from happened in Gen.Frequency((1, Gen.Constant(true)), (3, Gen.Constant(false)))
             select (account, channel, gap, outcome, happened))
         select new PersonRun(zone, contacts))
        .ToArbitrary();
}

public sealed class DebtorRulesProperties
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    [Property(Arbitrary = [typeof(PersonArbitraries)], MaxTest = 300)]
    public void Across_a_persons_accounts_the_CN_daily_caps_and_window_hold_for_what_was_allowed_and_every_violation_is_recorded(PersonRun run)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(run.TimeZone);
        var ledger = DebtorLedger.Empty;
        var allowed = new List<DebtorContact>();
        var at = Start;
        var seq = 0;
        foreach (var (account, channel, gap, outcome, happened) in run.Contacts)
        {
            at = at.AddMinutes(gap);
            var contact = new DebtorContact($"A{account}/{seq++}", $"A{account}", channel, at, channel == ContactChannel.Call ? outcome : null, "+8613800138000");
            var (next, decision) = DebtorRules.Reserve(ledger, new DebtorContactRequest(contact, ComplianceProfile.CN, run.TimeZone, 6), happened, at);
            if (decision.Allowed)
            {
                allowed.Add(contact);
                var local = TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, zone).DateTime);
                Assert.InRange(local, new TimeOnly(8, 0), new TimeOnly(21, 59, 59));
            }
            else
            {
                Assert.NotEqual(ContactRules.Allowed, decision.Rule);
            }

            Assert.Equal(decision.Allowed || happened, next.Contacts.Any(c => c.Key == contact.Key));
            ledger = next;
        }

        var perDay = allowed.Where(c => c.Channel == ContactChannel.Call)
            .GroupBy(c => BusinessCalendar.LocalDate(c.At, zone))
            .ToList();
        Assert.All(perDay, day => Assert.True(day.Count(c => ContactPolicy.IsEffective(c.Outcome)) <= 3, "at most 3 effective calls a day for the person"));
        Assert.All(perDay, day => Assert.True(day.Count(c => !ContactPolicy.IsEffective(c.Outcome)) <= 6, "at most 6 unanswered dials a day to the number"));
    }
}
