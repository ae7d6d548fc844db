using System.Collections.Immutable;
using Collections.Domain.Contacts;

namespace Collections.Domain.Tests.Contacts;

public sealed class ContactPolicyTests
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    private static ContactContext Context(ComplianceProfile profile, TimeZoneInfo zone, params ContactAttempt[] history) =>
        new(profile, zone, [.. history]);

    private static DateTimeOffset Local(TimeZoneInfo zone, int month, int day, int hour, int minute = 0)
    {
        var local = new DateTime(2026, month, day, hour, minute, 0, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }

    [Theory]
    [InlineData(7, 59, false)]
    [InlineData(8, 0, true)]
    [InlineData(21, 30, true)]
    [InlineData(21, 59, true)]
    [InlineData(22, 0, false)]
    [InlineData(23, 30, false)]
    public void Under_CN_contact_is_allowed_from_08_00_up_to_but_not_at_22_00_local(int hour, int minute, bool allowed)
    {
        var decision = ContactPolicy.Evaluate(Context(ComplianceProfile.CN, Shanghai), ContactChannel.Call, Local(Shanghai, 6, 10, hour, minute));
        Assert.Equal(allowed, decision.Allowed);
        Assert.Equal(allowed ? ContactRules.Allowed : ContactRules.TimeWindow, decision.Rule);
    }

    [Theory]
    [InlineData(7, 59, false)]
    [InlineData(8, 0, true)]
    [InlineData(20, 59, true)]
    [InlineData(21, 0, false)]
    [InlineData(21, 30, false)]
    public void Under_US_contact_is_allowed_from_08_00_up_to_but_not_at_21_00_local(int hour, int minute, bool allowed)
    {
        var decision = ContactPolicy.Evaluate(Context(ComplianceProfile.US, NewYork), ContactChannel.Sms, Local(NewYork, 6, 10, hour, minute));
        Assert.Equal(allowed, decision.Allowed);
    }

    [Fact]
    public void Under_US_the_eighth_call_attempt_within_seven_days_is_refused_until_the_first_leaves_the_window()
    {
        var first = Local(NewYork, 6, 1, 9);
        var attempts = Enumerable.Range(0, 7).Select(i => new ContactAttempt(ContactChannel.Call, first.AddDays(i), ContactOutcome.NoAnswer)).ToArray();
        var context = Context(ComplianceProfile.US, NewYork, attempts);

        var eighth = ContactPolicy.Evaluate(context, ContactChannel.Call, first.AddDays(6).AddHours(2));

        Assert.False(eighth.Allowed);
        Assert.Equal(ContactRules.CallAttemptsPer7Days, eighth.Rule);
        Assert.Equal(first.AddDays(7), eighth.RetryAt);
        Assert.True(ContactPolicy.Evaluate(context, ContactChannel.Call, first.AddDays(7)).Allowed);
        Assert.True(ContactPolicy.Evaluate(context, ContactChannel.Sms, first.AddDays(6).AddHours(2)).Allowed);
    }

    [Fact]
    public void Under_US_no_call_is_made_within_seven_days_after_a_conversation()
    {
        var talked = Local(NewYork, 6, 1, 10);
        var context = Context(ComplianceProfile.US, NewYork, new ContactAttempt(ContactChannel.Call, talked, ContactOutcome.Conversation));

        var refused = ContactPolicy.Evaluate(context, ContactChannel.Call, talked.AddDays(6).AddHours(23));
        Assert.Equal(ContactRules.WaitAfterConversation, refused.Rule);
        Assert.True(ContactPolicy.Evaluate(context, ContactChannel.Call, talked.AddDays(7)).Allowed);
        Assert.Equal(talked.AddDays(7), ContactPolicy.NextAllowed(context, ContactChannel.Call, talked.AddHours(1)));
    }

    [Fact]
    public void Under_CN_a_fourth_effective_call_on_one_local_day_is_refused_and_unanswered_calls_do_not_count()
    {
        var morning = Local(Shanghai, 6, 10, 9);
        var context = Context(ComplianceProfile.CN, Shanghai,
            new ContactAttempt(ContactChannel.Call, morning, ContactOutcome.Conversation),
            new ContactAttempt(ContactChannel.Call, morning.AddHours(1), ContactOutcome.NoAnswer),
            new ContactAttempt(ContactChannel.Call, morning.AddHours(2), ContactOutcome.Refused),
            new ContactAttempt(ContactChannel.Call, morning.AddHours(3), ContactOutcome.WrongNumber),
            new ContactAttempt(ContactChannel.Call, morning.AddHours(4), ContactOutcome.PromiseToPay));

        var fourth = ContactPolicy.Evaluate(context, ContactChannel.Call, morning.AddHours(5));

        Assert.Equal(ContactRules.EffectiveCallsPerDay, fourth.Rule);
        Assert.Equal(Local(Shanghai, 6, 11, 8), fourth.RetryAt);
        Assert.True(ContactPolicy.Evaluate(context with { History = context.History.RemoveAt(4) }, ContactChannel.Call, morning.AddHours(5)).Allowed);
    }

    [Fact]
    public void On_a_DST_change_day_the_window_opens_at_08_00_local_time()
    {
        var springForwardNight = new DateTimeOffset(2026, 3, 8, 6, 30, 0, TimeSpan.Zero);
        var opens = ContactPolicy.NextAllowed(Context(ComplianceProfile.US, NewYork), ContactChannel.Call, springForwardNight);
        Assert.Equal(new DateTimeOffset(2026, 3, 8, 12, 0, 0, TimeSpan.Zero), opens);

        var fallBackEvening = new DateTimeOffset(2026, 11, 2, 2, 30, 0, TimeSpan.Zero); // 21:30 EST, the evening of the 25-hour day
        Assert.Equal(new DateTimeOffset(2026, 11, 2, 13, 0, 0, TimeSpan.Zero),
            ContactPolicy.NextAllowed(Context(ComplianceProfile.US, NewYork), ContactChannel.Call, fallBackEvening));
    }

    [Fact]
    public void Cease_communication_a_dispute_or_a_stopping_hold_refuse_every_channel_with_no_time_to_retry()
    {
        var at = Local(Shanghai, 6, 10, 10);
        var baseline = Context(ComplianceProfile.CN, Shanghai);
        foreach (var (context, rule) in new[]
                 {
                     (baseline with { CeaseCommunication = true }, ContactRules.CeaseCommunication),
                     (baseline with { DisputeOpen = true }, ContactRules.DisputeOpen),
                     (baseline with { StoppingHold = "Bankruptcy" }, ContactRules.Hold),
                 })
        {
            foreach (var channel in Enum.GetValues<ContactChannel>())
            {
                var decision = ContactPolicy.Evaluate(context, channel, at);
                Assert.False(decision.Allowed);
                Assert.Equal(rule, decision.Rule);
                Assert.Null(ContactPolicy.NextAllowed(context, channel, at));
            }
        }
    }

    [Fact]
    public void A_letter_is_not_bound_by_the_hour_but_a_lender_holiday_stops_every_channel()
    {
        var night = Local(Shanghai, 10, 1, 23);
        Assert.True(ContactPolicy.Evaluate(Context(ComplianceProfile.CN, Shanghai), ContactChannel.Letter, night).Allowed);

        var holidays = Context(ComplianceProfile.CN, Shanghai) with { Holidays = [new DateOnly(2026, 10, 1)] };
        var decision = ContactPolicy.Evaluate(holidays, ContactChannel.Letter, night);
        Assert.Equal(ContactRules.Holiday, decision.Rule);
        Assert.Equal(Local(Shanghai, 10, 2, 8), decision.RetryAt);
    }
}
