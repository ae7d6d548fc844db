using System.Text.Json;
using Collections.Contracts;
using Collections.Domain;
using Collections.Domain.Accounts;
using static Collections.Grains.Tests.Accounts;

namespace Collections.Grains.Tests;

/// <summary>
/// The default strategy's contact plan on the cluster, driven by each account's own wake on fake time:
/// Early calls every day and a letter on entry; CN profile (08:00–22:00 debtor-local).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ContactGrainTests(ClusterFixture fixture)
{
    private const string Actor = "lender:L-test";

    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    private IGrainFactory Grains => fixture.Client;

    private async Task<IAccountGrain> OpenEarlyAsync(string timezone)
    {
        var accountRef = NewRef();
        var grain = Grains.Grain(accountRef);
        var record = Record(accountRef, fixture.Today.AddDays(-5));
        await grain.UpsertAsync(record with { Debtor = record.Debtor with { TimeZone = timezone } }, Actor);
        return grain;
    }

    private static async Task<List<JsonElement>> EventsAsync(IAccountGrain grain, string type) =>
        [.. (await grain.GetEventsAsync(0, 1000))!.Items.Select(i => JsonDocument.Parse(i).RootElement).Where(e => e.GetProperty("type").GetString() == type)];

    private static string Channel(JsonElement e) => e.GetProperty("data").GetProperty("channel").GetString()!;

    [Fact]
    public async Task A_planned_call_goes_out_at_the_first_moment_the_debtors_local_window_opens_and_never_before()
    {
        var grain = await OpenEarlyAsync("Asia/Shanghai");
        var calls = (await EventsAsync(grain, "ContactDispatchRequested")).Count(e => Channel(e) == "Call");

        // The next call is planned for the debtor's next local day, from 08:00 Shanghai.
        var planned = (await EventsAsync(grain, "ContactPlanned")).Last(e => Channel(e) == "Call").GetProperty("data");
        var day = DateOnly.Parse(planned.GetProperty("day").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        var opens = new DateTimeOffset(day.ToDateTime(new TimeOnly(8, 0)), TimeSpan.FromHours(8));
        Assert.Equal(opens, planned.GetProperty("firstAllowedAt").GetDateTimeOffset());
        Assert.True(opens > fixture.Time.GetUtcNow());

        await fixture.AdvanceAsync(opens - TimeSpan.FromMinutes(5) - fixture.Time.GetUtcNow(), TimeSpan.FromHours(2));
        Assert.Equal(calls, (await EventsAsync(grain, "ContactDispatchRequested")).Count(e => Channel(e) == "Call"));

        await fixture.AdvanceAsync(TimeSpan.FromMinutes(6), TimeSpan.FromMinutes(1));
        await fixture.Eventually(async () => (await EventsAsync(grain, "ContactDispatchRequested")).Count(e => Channel(e) == "Call") == calls + 1, "the call goes out at 08:00 Shanghai");

        var requested = (await EventsAsync(grain, "ContactDispatchRequested")).Last(e => Channel(e) == "Call");
        var at = requested.GetProperty("at").GetDateTimeOffset();
        Assert.InRange(at, opens, opens + TimeSpan.FromMinutes(10));
        var local = TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, Shanghai).DateTime);
        Assert.InRange(local, new TimeOnly(8, 0), new TimeOnly(21, 59));
        Assert.Equal("allowed", requested.GetProperty("data").GetProperty("rule").GetString());

        // Every dispatched contact was sent by the (simulated) gateway and is in the audit trail.
        await fixture.Eventually(async () => (await EventsAsync(grain, "ContactSent")).Count == (await EventsAsync(grain, "ContactDispatchRequested")).Count, "every dispatch is recorded as sent");
        Assert.All(await EventsAsync(grain, "ContactSent"), e => Assert.Equal("simulated", e.GetProperty("data").GetProperty("gateway").GetString()));
        Assert.All(await EventsAsync(grain, "ContactDispatchRequested"), e =>
            Assert.InRange(TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(e.GetProperty("at").GetDateTimeOffset(), Shanghai).DateTime), new TimeOnly(8, 0), new TimeOnly(21, 59)));
    }

    [Fact]
    public async Task The_results_of_the_contacts_one_turn_sends_are_stored_in_one_append_in_the_order_of_the_outbox()
    {
        // A zone where it is around noon: the Early call and letter both go out when the account opens.
        var now = fixture.Time.GetUtcNow();
        var zone = Zones.First(z => TimeZoneInfo.ConvertTime(now, TimeZoneInfo.FindSystemTimeZoneById(z)).Hour is >= 11 and < 17);
        var accountRef = NewRef();
        var grain = Grains.Grain(accountRef);
        var record = Record(accountRef, fixture.Today.AddDays(-10));
        await grain.UpsertAsync(record with { Debtor = record.Debtor with { TimeZone = zone, Address = "No. 1 Renmin Road, Shanghai" } }, Actor);

        await fixture.Eventually(async () => (await EventsAsync(grain, "ContactSent")).Count == 2, "the call and the letter are sent");
        var log = (await grain.GetEventsAsync(0, 1000))!.Items.Select(i => JsonDocument.Parse(i).RootElement).ToList();
        var requested = log.Where(e => e.GetProperty("type").GetString() == "ContactDispatchRequested").ToList();
        var sent = log.Where(e => e.GetProperty("type").GetString() == "ContactSent").ToList();

        // The account's first append (opened, contacts requested), then one append of every result.
        Assert.Equal(2, fixture.Store.Appends(AccountKey.For(Lender, accountRef)));
        Assert.Equal(["Call", "Letter"], requested.Select(Channel).Order());
        Assert.Equal(requested.Select(ContactId), sent.Select(ContactId));
        Assert.Equal(Enumerable.Range(1, log.Count).Select(i => (long)i), log.Select(e => e.GetProperty("seq").GetInt64()));
        Assert.True(log.IndexOf(requested[^1]) < log.IndexOf(sent[0]), "the results follow the requests");
    }

    /// <summary>Zones around the world, a few hours apart.</summary>
    private static readonly string[] Zones = ["Pacific/Kiritimati", "Australia/Sydney", "Asia/Tokyo", "Asia/Kolkata", "Europe/Berlin", "America/Sao_Paulo", "America/New_York", "America/Los_Angeles", "Pacific/Honolulu"];

    private static long ContactId(JsonElement e) => e.GetProperty("data").GetProperty("contactId").GetInt64();

    [Fact]
    public async Task During_a_dispute_the_planned_call_is_suppressed_with_the_rule_and_nothing_is_sent()
    {
        var grain = await OpenEarlyAsync("UTC");
        await grain.OpenDisputeAsync("the debtor says the loan was repaid", Actor);
        var dispatched = (await EventsAsync(grain, "ContactDispatchRequested")).Count;

        await fixture.AdvanceAsync(TimeSpan.FromDays(2), TimeSpan.FromHours(2));
        await fixture.Eventually(async () => (await EventsAsync(grain, "ContactSuppressed")).Count > 0, "the planned call is suppressed");

        var suppressed = Assert.Single(await EventsAsync(grain, "ContactSuppressed"), e => Channel(e) == "Call").GetProperty("data");
        Assert.Equal("disputeOpen", suppressed.GetProperty("rule").GetString());
        Assert.False(string.IsNullOrWhiteSpace(suppressed.GetProperty("detail").GetString()));
        Assert.Equal(dispatched, (await EventsAsync(grain, "ContactDispatchRequested")).Count);

        // Verified: the plan resumes from the debtor's today, within the window.
        await grain.ResolveDisputeAsync(Collections.Domain.Accounts.DisputeOutcome.Verified, Actor);
        await fixture.AdvanceAsync(TimeSpan.FromDays(1), TimeSpan.FromHours(2));
        await fixture.Eventually(async () => (await EventsAsync(grain, "ContactDispatchRequested")).Count > dispatched, "calls resume after the dispute");
    }

    [Fact]
    public async Task The_contact_permission_answers_the_rule_and_the_next_allowed_moment()
    {
        var grain = await OpenEarlyAsync("UTC");
        var contacts = Grains.GetGrain<IAccountContactsGrain>(grain.GetPrimaryKeyString());
        await grain.PlaceHoldAsync(Collections.Domain.Accounts.HoldType.CeaseCommunication, null, Actor);

        var refused = await contacts.GetContactPermissionAsync(ContactChannel.Sms);
        Assert.Equal((false, "ceaseCommunication", (DateTimeOffset?)null), (refused!.Allowed, refused.Rule, refused.NextAllowedAt));

        var recorded = await contacts.RecordContactAsync(new TeamContact(ContactChannel.Call, Collections.Domain.Contacts.ContactOutcome.Conversation, null), Actor);
        Assert.Equal((Collections.Domain.Accounts.RejectionKind.Conflict, "ceaseCommunication"), (recorded.RejectionKind, recorded.Rule));
    }
}
