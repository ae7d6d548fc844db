using Collections.Contracts;
using Collections.Domain;
using Collections.Domain.Accounts;
using static Collections.Grains.Tests.Accounts;

namespace Collections.Grains.Tests;

/// <summary>Complaints on the cluster: the account's own wake flags one left unanswered, on fake time. Accounts are in UTC.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ComplaintGrainTests(ClusterFixture fixture)
{
    private const string Actor = "lender:L-test";

    [Fact]
    public async Task A_closed_accounts_wake_flags_its_unanswered_complaint_once_its_respond_by_day_has_ended()
    {
        var accountRef = NewRef();
        var grain = fixture.Client.Grain(accountRef);
        await grain.UpsertAsync(Record(accountRef, fixture.Today.AddDays(-5)), Actor);
        var records = fixture.Client.GetGrain<IAccountRecordsGrain>(AccountKey.For(Lender, accountRef));
        var taken = await records.ReceiveComplaintAsync(new ComplaintIntake(ComplaintChannel.Email, ComplaintCategory.Privacy, "my employer was called", null), Actor);
        await grain.CloseAsync(ClosedReason.Recalled, Actor);

        var complaint = taken.Complaint!;
        Assert.Equal(fixture.Today.AddDays(15), complaint.RespondBy);
        var deadline = new DateTimeOffset(complaint.RespondBy.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        Assert.Equal(deadline, (await grain.GetViewAsync())!.NextWakeAt);

        await fixture.AdvanceAsync(deadline - fixture.Time.GetUtcNow() - TimeSpan.FromMinutes(5), TimeSpan.FromDays(1));
        Assert.Equal(ComplaintStatus.Open, (await records.GetComplaintsAsync())!.Value.Single().Status);

        await fixture.AdvanceAsync(TimeSpan.FromMinutes(6), TimeSpan.FromMinutes(1));
        await fixture.Eventually(async () => (await records.GetComplaintsAsync())!.Value.Single().Status == ComplaintStatus.Overdue, "the wake flags the complaint overdue");

        var overdue = await fixture.Client.GetGrain<IAccountIndexGrain>(0).SearchAsync(Lender, new AccountQuery(Complaints: ComplaintStatus.Overdue, Limit: 1000));
        Assert.Contains(overdue.Items, s => s.AccountRef == accountRef);
        Assert.Null((await grain.GetViewAsync())!.NextWakeAt);
    }
}
