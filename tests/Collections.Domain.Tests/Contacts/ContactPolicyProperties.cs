using System.Collections.Immutable;
using Collections.Domain.Contacts;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Collections.Domain.Tests.Contacts;

/// <summary>A run of contact requests on one debt: each a channel, a gap in minutes and the outcome if it is made.</summary>
public sealed record ContactRun(ComplianceProfile Profile, string TimeZone, (ContactChannel Channel, int GapMinutes, ContactOutcome Outcome)[] Requests)
{
    public override string ToString() =>
        $"ContactRun {{ {Profile}, {TimeZone}, [{string.Join(", ", Requests.Select(r => $"{r.Channel}+{r.GapMinutes}m:{r.Outcome}"))}] }}";
}

public static class ContactArbitraries
{
    public static Arbitrary<ContactRun> Runs() =>
        (from profile in Gen.Elements(ComplianceProfile.CN, ComplianceProfile.US)
         from zone in Gen.Elements("UTC", "Asia/Shanghai", "America/New_York", "Europe/London", "Australia/Sydney", "America/Havana")
         from requests in Gen.ArrayOf(
             from channel in Gen.Frequency((5, Gen.Constant(ContactChannel.Call)), (1, Gen.Elements(ContactChannel.Sms, ContactChannel.Email, ContactChannel.Letter)))
             from gap in Gen.Frequency((4, Gen.Choose(1, 180)), (1, Gen.Choose(180, 3 * 24 * 60)))
             from outcome in Gen.Elements(Enum.GetValues<ContactOutcome>())
             select (channel, gap, outcome))
         select new ContactRun(profile, zone, requests))
        .ToArbitrary();
}

public sealed class ContactPolicyProperties
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    [Property(Arbitrary = [typeof(ContactArbitraries)], MaxTest = 300)]
    public void No_allowed_contact_falls_outside_the_window_or_above_a_cap_and_every_refusal_names_a_rule(ContactRun run)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(run.TimeZone);
        var history = ImmutableArray.CreateBuilder<ContactAttempt>();
        var (from, until) = ContactPolicy.Window(run.Profile);
        var at = Start;
        foreach (var (channel, gap, outcome) in run.Requests)
        {
            at = at.AddMinutes(gap);
            var context = new ContactContext(run.Profile, zone, history.ToImmutable());
            var decision = ContactPolicy.Evaluate(context, channel, at);
            if (!decision.Allowed)
            {
                Assert.NotEqual(ContactRules.Allowed, decision.Rule);
                Assert.False(string.IsNullOrWhiteSpace(decision.Detail));
                if (ContactPolicy.NextAllowed(context, channel, at) is { } next)
                {
                    Assert.True(next > at);
                    Assert.True(ContactPolicy.Evaluate(context, channel, next).Allowed);
                }

                continue;
            }

            if (channel != ContactChannel.Letter)
            {
                var local = TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, zone).DateTime);
                Assert.InRange(local, from, until.Add(TimeSpan.FromTicks(-1)));
            }

            history.Add(new ContactAttempt(channel, at, channel == ContactChannel.Call ? outcome : null));
            var calls = history.Where(a => a.Channel == ContactChannel.Call).ToList();
            if (run.Profile == ComplianceProfile.US)
            {
                DateOnly Day(DateTimeOffset instant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime);
                var today = Day(at);
                Assert.True(calls.Count(c => Day(c.At) > today.AddDays(-7)) <= 7, "at most 7 call attempts in 7 consecutive local days");
                var conversations = calls.Where(c => ContactPolicy.IsConversation(c.Outcome)).ToList();
                Assert.DoesNotContain(calls, c => conversations.Any(t => c.At > t.At && Day(c.At) < Day(t.At).AddDays(7)));
            }
            else
            {
                var effectivePerDay = calls.Where(c => ContactPolicy.IsEffective(c.Outcome))
                    .GroupBy(c => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(c.At, zone).DateTime));
                Assert.All(effectivePerDay, day => Assert.True(day.Count() <= 3, "at most 3 effective calls a day"));
            }
        }
    }
}
