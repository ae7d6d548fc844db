using System.Text.Json;
using Collections.Contracts;
using Collections.Domain;
using Collections.Domain.Accounts;
using Microsoft.Extensions.DependencyInjection;
using static Collections.Grains.Tests.Accounts;

namespace Collections.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class AccountGrainTests(ClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Client;

    [Fact]
    public async Task An_account_walks_every_stage_at_its_threshold_driven_by_its_wake_reminder()
    {
        var accountRef = NewRef();
        var dueDate = fixture.Today;
        var grain = Grains.Grain(accountRef);
        Assert.Equal(UpsertOutcome.Created, await grain.UpsertAsync(Record(accountRef, dueDate), "lender:L-test"));
        Assert.Null((await grain.GetViewAsync())!.Stage);

        Stage? previous = null;
        foreach (var (stage, threshold) in new[] { (Stage.Notice, 1), (Stage.Early, 4), (Stage.Mid, 31), (Stage.Legal, 91), (Stage.ChargedOff, 181) })
        {
            var thresholdStart = new DateTimeOffset(dueDate.AddDays(threshold).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            await fixture.AdvanceAsync(thresholdStart - TimeSpan.FromMinutes(5) - fixture.Time.GetUtcNow(), TimeSpan.FromDays(10));
            var before = await grain.GetViewAsync();
            Assert.Equal(previous, before!.Stage);
            Assert.Equal(thresholdStart, before.NextWakeAt);

            await fixture.AdvanceAsync(TimeSpan.FromMinutes(6), TimeSpan.FromMinutes(1));
            await fixture.Eventually(async () => (await grain.GetViewAsync())!.Stage == stage, $"the account enters {stage} at DPD {threshold}");
            previous = stage;
        }

        var view = await grain.GetViewAsync();
        Assert.Equal(181, view!.DaysPastDue);
        Assert.Null(view.NextWakeAt);

        // Besides the contacts of the strategy's plan and the letters kept as documents: opened, then one entry per stage.
        var lifecycle = (await grain.GetEventsAsync(0, 1000))!.Items.Select(Parse).Select(e => e.GetProperty("type").GetString()!)
            .Where(t => !t.StartsWith("Contact", StringComparison.Ordinal) && t != "DocumentAdded");
        Assert.Equal(["AccountOpened", "StageEntered", "StageEntered", "StageEntered", "StageEntered", "StageEntered"], lifecycle);
    }

    [Fact]
    public async Task An_account_imported_at_dpd_95_records_each_stage_it_passed_in_order()
    {
        var accountRef = NewRef();
        var grain = Grains.Grain(accountRef);
        await grain.UpsertAsync(Record(accountRef, fixture.Today.AddDays(-95)), "lender:L-test");

        var page = await grain.GetEventsAsync(0, 100);
        var types = page!.Items.Select(Parse).Select(e => e.GetProperty("type").GetString()).ToList();
        var stages = page.Items.Select(Parse).Skip(1).Select(e => e.GetProperty("data").GetProperty("stage").GetString()).ToList();
        Assert.Equal(["AccountOpened", "StageEntered", "StageEntered", "StageEntered", "StageEntered"], types);
        Assert.Equal(["Notice", "Early", "Mid", "Legal"], stages);
        Assert.Equal([1L, 2, 3, 4, 5], page.Items.Select(Parse).Select(e => e.GetProperty("seq").GetInt64()));
        Assert.Null(page.Next);
    }

    [Fact]
    public async Task Re_sending_the_same_record_changes_nothing_and_an_update_keeps_the_lifecycle()
    {
        var accountRef = NewRef();
        var grain = Grains.Grain(accountRef);
        var record = Record(accountRef, fixture.Today.AddDays(-40));
        await grain.UpsertAsync(record, "lender:L-test");
        var opened = await grain.GetViewAsync();

        Assert.Equal(UpsertOutcome.Unchanged, await grain.UpsertAsync(record, "lender:L-test"));
        Assert.Equal(opened!.EventCount, (await grain.GetViewAsync())!.EventCount);

        var updated = record with { Balance = record.Balance with { Principal = 900m } };
        Assert.Equal(UpsertOutcome.Updated, await grain.UpsertAsync(updated, "lender:L-test"));
        var view = await grain.GetViewAsync();
        Assert.Equal(Stage.Mid, view!.Stage);
        Assert.Equal(900m, view.Balance.Total);
        Assert.Equal(opened.EventCount + 1, view.EventCount);
    }

    [Fact]
    public async Task Paying_the_arrears_cures_and_closes_the_account_and_the_same_payment_twice_applies_once()
    {
        var accountRef = NewRef();
        var grain = Grains.Grain(accountRef);
        await grain.UpsertAsync(Record(accountRef, fixture.Today.AddDays(-10), principal: 1000m, pastDue: 150m), "lender:L-test");

        var first = await grain.PayAsync("P-1", 100m, null, "lender:L-test");
        Assert.Equal(AccountStatus.Active, first.View!.Status);
        Assert.Equal(900m, first.View.Balance.Total);

        var again = await grain.PayAsync("P-1", 100m, null, "lender:L-test");
        Assert.Equal(first.View.EventCount, again.View!.EventCount);
        Assert.Equal(900m, again.View.Balance.Total);

        var conflict = await grain.PayAsync("P-1", 120m, null, "lender:L-test");
        Assert.Equal(RejectionKind.Conflict, conflict.RejectionKind);

        var cure = await grain.PayAsync("P-2", 50m, null, "lender:L-test");
        Assert.Equal(AccountStatus.Closed, cure.View!.Status);
        Assert.Equal(ClosedReason.Cured, cure.View.ClosedReason);
        Assert.Equal(150m, cure.View.Collected);
        Assert.Null(cure.View.NextWakeAt);
    }

    [Fact]
    public async Task A_tick_whose_handler_fails_is_retried_after_the_retry_period()
    {
        var accountRef = NewRef();
        var grain = Grains.Grain(accountRef);
        var dueDate = fixture.Today;
        await grain.UpsertAsync(Record(accountRef, dueDate), "lender:L-test");
        fixture.Store.FailNextAppends(AccountKey.For(Lender, accountRef), 1);

        var noticeAt = new DateTimeOffset(dueDate.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        await fixture.AdvanceAsync(noticeAt - fixture.Time.GetUtcNow() + TimeSpan.FromSeconds(1), TimeSpan.FromHours(6));
        await fixture.Eventually(() => Task.FromResult(fixture.Store.FailuresLeft(AccountKey.For(Lender, accountRef)) == 0), "the tick ran and failed");
        Assert.Null((await grain.GetViewAsync())!.Stage);

        await fixture.AdvanceAsync(ClusterFixture.RetryPeriod + TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10));
        await fixture.Eventually(async () => (await grain.GetViewAsync())!.Stage == Stage.Notice, "the retried tick enters Notice");
    }

    [Fact]
    public async Task A_closed_account_has_no_wake_reminder_left()
    {
        var accountRef = NewRef();
        var grain = Grains.Grain(accountRef);
        await grain.UpsertAsync(Record(accountRef, fixture.Today.AddDays(-5)), "lender:L-test");
        var reminders = fixture.Cluster.GetSiloServiceProvider().GetRequiredService<IReminderTable>();
        Assert.NotNull(await reminders.ReadRow(grain.GetGrainId(), "wake"));

        var closed = await grain.CloseAsync(ClosedReason.Recalled, "lender:L-test");
        Assert.Equal(AccountStatus.Closed, closed.View!.Status);
        Assert.Null(await reminders.ReadRow(grain.GetGrainId(), "wake"));

        Assert.Equal(RejectionKind.Conflict, (await grain.CloseAsync(ClosedReason.Sold, "lender:L-test")).RejectionKind);
    }

    [Fact]
    public async Task The_audit_trail_pages_by_sequence_number_without_gaps()
    {
        var accountRef = NewRef();
        var grain = Grains.Grain(accountRef);
        await grain.UpsertAsync(Record(accountRef, fixture.Today.AddDays(-200)), "lender:L-test");
        for (var i = 0; i < 7; i++)
        {
            await grain.PayAsync($"P-{i}", 1m, null, "lender:L-test");
        }

        var seqs = new List<long>();
        long after = 0;
        while (true)
        {
            var page = await grain.GetEventsAsync(after, 3);
            seqs.AddRange(page!.Items.Select(Parse).Select(e => e.GetProperty("seq").GetInt64()));
            if (page.Next is not { } next)
            {
                break;
            }

            after = next;
        }

        Assert.Equal(Enumerable.Range(1, 13).Select(i => (long)i), seqs);
    }

    [Fact]
    public async Task An_unknown_account_has_no_view_and_no_history()
    {
        var grain = Grains.Grain(NewRef());
        Assert.Null(await grain.GetViewAsync());
        Assert.Null(await grain.GetEventsAsync(0, 10));
        Assert.Null((await grain.PayAsync("P-1", 1m, null, "lender:L-test")).View);
    }

    private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement;
}
