using Collections.Contracts;
using Collections.Domain;
using Collections.Domain.Accounts;
using Collections.Domain.Contacts;
using Collections.Domain.Events;
using FsCheck;
using FsCheck.Xunit;
using static Collections.Grains.Tests.Accounts;

namespace Collections.Grains.Tests;

/// <summary>
/// The person's CN rules on the 3-silo cluster, whatever the interleaving: calls on two loans of one person,
/// answered or not, by day or at night, in any order and two at a time racing on whichever silos hold the
/// accounts. However they interleave, the person never gets more allowed effective calls in a day than the
/// cap, nor more unanswered dials to the number than its cap, nor a call at night — and every call that broke
/// a rule is still recorded, as a violation naming it.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class DebtorCapProperties(ClusterFixture fixture)
{
    private const string Actor = "lender:L-test";
    private const int EffectiveCallsPerDay = 3;
    private const int UnansweredDialsPerDay = 6;

    private IGrainFactory Grains => fixture.Client;

    [Property(MaxTest = 25)]
    public async Task Interleaved_calls_on_two_loans_of_one_person_never_exceed_the_persons_caps_or_window_and_every_violation_is_recorded(
        (bool Second, bool Answered, bool Night, byte Minute)[] calls)
    {
        calls = [.. calls.Take(14)];
        var customerId = $"C-{Guid.NewGuid():N}";
        string[] refs = [NewRef(), NewRef()];
        foreach (var accountRef in refs)
        {
            await Grains.Grain(accountRef).UpsertAsync(Record(accountRef, fixture.Today.AddDays(-1)) with { CustomerId = customerId }, Actor);
        }

        // A whole local day (UTC, the accounts' zone) that is over: every call of it is in the past.
        var day = new DateTimeOffset(fixture.Time.GetUtcNow().UtcDateTime.Date.AddDays(-1), TimeSpan.Zero);
        var made = calls.Select(c => (
                c.Second,
                Contact: new TeamContact(
                    ContactChannel.Call,
                    c.Answered ? ContactOutcome.Conversation : ContactOutcome.NoAnswer,
                    day.AddHours(c.Night ? 23 : 12).AddMinutes(c.Minute % 60))))
            .ToList();

        // Two at a time: each pair races, on whichever silos hold the two accounts.
        var results = new List<ContactCommandResult>();
        foreach (var pair in made.Chunk(2))
        {
            results.AddRange(await Task.WhenAll(pair.Select(c =>
                Grains.GetGrain<IAccountContactsGrain>(AccountKey.For(Lender, refs[c.Second ? 1 : 0])).RecordContactAsync(c.Contact, Actor))));
        }

        var outcomes = made.Zip(results, (call, result) => (call.Contact, Result: result)).ToList();
        Assert.All(outcomes, o => Assert.True(o.Result.Recorded, $"a call at {o.Contact.At:O} was not recorded: {o.Result.Error}"));
        Assert.All(outcomes.Where(o => o.Contact.At!.Value.Hour == 23), o => Assert.Equal(ContactRules.TimeWindow, o.Result.Rule));
        var allowed = outcomes.Where(o => o.Result.Rule is null).Select(o => o.Contact).ToList();
        Assert.InRange(allowed.Count(c => c.Outcome == ContactOutcome.Conversation), 0, EffectiveCallsPerDay);
        Assert.InRange(allowed.Count(c => c.Outcome == ContactOutcome.NoAnswer), 0, UnansweredDialsPerDay);

        // The audit trails hold every call: the allowed ones as recorded, the others as violations naming their rule.
        var logged = new List<AccountEvent>();
        foreach (var accountRef in refs)
        {
            var page = await Grains.Grain(accountRef).GetEventsAsync(0, 1000);
            logged.AddRange(page!.Items.Select(AccountEventJson.Deserialize));
        }

        var violations = logged.Select(e => e.Data).OfType<ContactViolation>().Where(v => v.Channel == ContactChannel.Call).ToList();
        Assert.Equal(allowed.Count, logged.Select(e => e.Data).OfType<ContactRecorded>().Count(r => r.Channel == ContactChannel.Call));
        Assert.Equal(
            outcomes.Where(o => o.Result.Rule is not null).Select(o => (o.Contact.At!.Value, o.Result.Rule!)).Order(),
            violations.Select(v => (v.At, v.Rule)).Order());
    }
}
