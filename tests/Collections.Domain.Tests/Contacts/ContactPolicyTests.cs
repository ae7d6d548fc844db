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
    public void Under_US_the_eighth_call_attempt_within_seven_consecutive_local_days_is_refused_until_a_day_leaves_the_window()
    {
        var first = Local(NewYork, 6, 1, 9);
        var attempts = Enumerable.Range(0, 7).Select(i => new ContactAttempt(ContactChannel.Call, first.AddDays(i), ContactOutcome.NoAnswer)).ToArray();
        var context = Context(ComplianceProfile.US, NewYork, attempts);

        var eighth = ContactPolicy.Evaluate(context, ContactChannel.Call, first.AddDays(6).AddHours(2));

        Assert.False(eighth.Allowed);
        Assert.Equal(ContactRules.CallAttemptsPer7Days, eighth.Rule);
        Assert.Equal(Local(NewYork, 6, 8, 8), eighth.RetryAt);
        Assert.True(ContactPolicy.Evaluate(context, ContactChannel.Call, Local(NewYork, 6, 8, 8)).Allowed);
        Assert.True(ContactPolicy.Evaluate(context, ContactChannel.Sms, first.AddDays(6).AddHours(2)).Allowed);
    }

    [Fact]
    public void Under_US_seven_unanswered_calls_on_a_Monday_allow_an_eighth_the_next_Monday_at_09_00_local()
    {
        var monday = Local(NewYork, 6, 1, 9); // 2026-06-01 is a Monday
        var context = Context(ComplianceProfile.US, NewYork,
            [.. Enumerable.Range(0, 7).Select(i => new ContactAttempt(ContactChannel.Call, monday.AddMinutes(20 * i), ContactOutcome.NoAnswer))]);

        Assert.Equal(ContactRules.CallAttemptsPer7Days, ContactPolicy.Evaluate(context, ContactChannel.Call, Local(NewYork, 6, 7, 20)).Rule);
        Assert.True(ContactPolicy.Evaluate(context, ContactChannel.Call, Local(NewYork, 6, 8, 9)).Allowed);
    }

    [Fact]
    public void Under_US_the_day_of_a_conversation_is_the_first_of_seven_without_calls()
    {
        var tuesday = Local(NewYork, 6, 2, 11);
        var context = Context(ComplianceProfile.US, NewYork, new ContactAttempt(ContactChannel.Call, tuesday, ContactOutcome.Conversation));

        var refused = ContactPolicy.Evaluate(context, ContactChannel.Call, Local(NewYork, 6, 8, 20));
        Assert.Equal(ContactRules.WaitAfterConversation, refused.Rule);
        Assert.Equal(Local(NewYork, 6, 9, 8), refused.RetryAt);
        Assert.True(ContactPolicy.Evaluate(context, ContactChannel.Call, Local(NewYork, 6, 9, 8)).Allowed);
        Assert.Equal(Local(NewYork, 6, 9, 8), ContactPolicy.NextAllowed(context, ContactChannel.Call, tuesday.AddHours(1)));
    }

    [Fact]
    public void Under_US_a_refusal_is_a_conversation_but_an_unanswered_call_is_not()
    {
        var at = Local(NewYork, 6, 2, 11);
        var refused = Context(ComplianceProfile.US, NewYork, new ContactAttempt(ContactChannel.Call, at, ContactOutcome.Refused));
        var unanswered = Context(ComplianceProfile.US, NewYork, new ContactAttempt(ContactChannel.Call, at, ContactOutcome.NoAnswer));

        Assert.Equal(ContactRules.WaitAfterConversation, ContactPolicy.Evaluate(refused, ContactChannel.Call, at.AddDays(1)).Rule);
        Assert.True(ContactPolicy.Evaluate(unanswered, ContactChannel.Call, at.AddDays(1)).Allowed);
    }

    [Fact]
    public void Under_US_the_seven_days_are_counted_in_local_calendar_days_across_the_spring_DST_change()
    {
        // 2026-03-08 is 23 hours long in New York: a conversation at 20:00 local on the 7th frees calls from 08:00 local on the 14th.
        var talked = Local(NewYork, 3, 7, 20);
        var context = Context(ComplianceProfile.US, NewYork, new ContactAttempt(ContactChannel.Call, talked, ContactOutcome.Conversation));

        Assert.Equal(ContactRules.WaitAfterConversation, ContactPolicy.Evaluate(context, ContactChannel.Call, Local(NewYork, 3, 13, 20, 59)).Rule);
        Assert.Equal(new DateTimeOffset(2026, 3, 14, 12, 0, 0, TimeSpan.Zero), ContactPolicy.NextAllowed(context, ContactChannel.Call, talked));
    }

    [Fact]
    public void A_back_dated_call_is_refused_when_it_would_push_a_later_window_past_its_cap()
    {
        var monday = Local(NewYork, 6, 1, 9);
        var later = Enumerable.Range(1, 7).Select(i => new ContactAttempt(ContactChannel.Call, monday.AddDays(1).AddMinutes(10 * i), ContactOutcome.NoAnswer)).ToArray();
        var context = Context(ComplianceProfile.US, NewYork, later);

        var backDated = ContactPolicy.Evaluate(context, ContactChannel.Call, monday);

        Assert.Equal(ContactRules.CallAttemptsPer7Days, backDated.Rule);
    }

    [Fact]
    public void A_back_dated_conversation_is_refused_when_a_call_is_already_recorded_in_its_seven_days()
    {
        var tuesday = Local(NewYork, 6, 2, 11);
        var context = Context(ComplianceProfile.US, NewYork, new ContactAttempt(ContactChannel.Call, tuesday.AddDays(3), ContactOutcome.NoAnswer));

        Assert.Equal(ContactRules.WaitAfterConversation, ContactPolicy.Evaluate(context, ContactChannel.Call, tuesday, ContactOutcome.Conversation).Rule);
        Assert.True(ContactPolicy.Evaluate(context, ContactChannel.Call, tuesday, ContactOutcome.NoAnswer).Allowed);
    }

    [Fact]
    public void Under_CN_the_three_effective_calls_a_day_are_counted_for_the_person_across_their_accounts()
    {
        var morning = Local(Shanghai, 6, 10, 9);
        var context = Context(ComplianceProfile.CN, Shanghai, new ContactAttempt(ContactChannel.Call, morning, ContactOutcome.Conversation)) with
        {
            OtherAccounts = [new(ContactChannel.Call, morning.AddHours(1), ContactOutcome.Conversation), new(ContactChannel.Call, morning.AddHours(2), ContactOutcome.Refused)],
        };

        Assert.Equal(ContactRules.EffectiveCallsPerDay, ContactPolicy.Evaluate(context, ContactChannel.Call, morning.AddHours(3)).Rule);
        Assert.True(ContactPolicy.Evaluate(context with { OtherAccounts = [] }, ContactChannel.Call, morning.AddHours(3)).Allowed);
    }

    [Fact]
    public void Under_CN_unanswered_dials_per_number_a_day_stop_at_the_strategy_cap_and_another_number_may_still_be_dialled()
    {
        var morning = Local(Shanghai, 6, 10, 9);
        var dials = Enumerable.Range(0, 6).Select(i => new ContactAttempt(ContactChannel.Call, morning.AddMinutes(10 * i), ContactOutcome.NoAnswer) { Number = "+8613800138000" }).ToArray();
        var context = Context(ComplianceProfile.CN, Shanghai, dials) with { Number = "+8613800138000" };

        var seventh = ContactPolicy.Evaluate(context, ContactChannel.Call, morning.AddHours(2));

        Assert.Equal(ContactRules.UnansweredDialsPerDay, seventh.Rule);
        Assert.Equal(Local(Shanghai, 6, 11, 8), seventh.RetryAt);
        Assert.True(ContactPolicy.Evaluate(context with { Number = "+8613900139000" }, ContactChannel.Call, morning.AddHours(2)).Allowed);
        Assert.True(ContactPolicy.Evaluate(context with { UnansweredDialsPerDay = 8 }, ContactChannel.Call, morning.AddHours(2)).Allowed);
    }

    [Fact]
    public void A_number_reported_wrong_gets_no_call_or_sms_but_email_and_letters_still_go()
    {
        var context = Context(ComplianceProfile.CN, Shanghai) with { WrongNumber = true };
        var at = Local(Shanghai, 6, 10, 10);

        Assert.Equal(ContactRules.WrongNumber, ContactPolicy.Evaluate(context, ContactChannel.Call, at).Rule);
        Assert.Equal(ContactRules.WrongNumber, ContactPolicy.Evaluate(context, ContactChannel.Sms, at).Rule);
        Assert.Null(ContactPolicy.NextAllowed(context, ContactChannel.Sms, at));
        Assert.True(ContactPolicy.Evaluate(context, ContactChannel.Email, at).Allowed);
        Assert.True(ContactPolicy.Evaluate(context, ContactChannel.Letter, at).Allowed);
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
