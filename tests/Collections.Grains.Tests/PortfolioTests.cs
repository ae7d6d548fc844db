using Collections.Contracts;
using Collections.Domain;
using Collections.Domain.Portfolio;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using static Collections.Grains.Tests.Accounts;

namespace Collections.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class PortfolioTests(ClusterFixture fixture)
{
    [Fact]
    public async Task The_pre_aggregated_portfolio_equals_the_sum_over_accounts_after_imports_escalations_payments_and_closures()
    {
        var lender = $"P-{Guid.NewGuid():N}";
        var refs = Enumerable.Range(0, 240).Select(i => $"A-{i}").ToList();
        IAccountGrain Account(string accountRef) => fixture.Client.GetGrain<IAccountGrain>(AccountKey.For(lender, accountRef));

        await Task.WhenAll(refs.Select((r, i) => Account(r).UpsertAsync(Record(r, fixture.Today.AddDays(-(i % 120))), "lender:test")));
        await fixture.AdvanceAsync(TimeSpan.FromDays(35), TimeSpan.FromHours(12));
        await Task.WhenAll(refs.Take(60).Select((r, i) => Account(r).PayAsync($"P-{i}", 10m + i, null, "lender:test")));
        await Task.WhenAll(refs.Skip(60).Take(20).Select(r => Account(r).CloseAsync(ClosedReason.Sold, "lender:test")));
        await Task.WhenAll(refs.Skip(80).Take(5).Select(r => Account(r).PayAsync("P-all", 1000m, null, "lender:test")));

        // Quiet means every wake due so far has fired; a tick Orleans missed comes back one retry period later.
        await fixture.AdvanceAsync(ClusterFixture.RetryPeriod * 2, TimeSpan.FromSeconds(10));
        await fixture.Eventually(async () =>
        {
            var views = await Task.WhenAll(refs.Select(r => Account(r).GetViewAsync()));
            var counters = await fixture.Client.GetGrain<IPortfolioGrain>(lender).GetCountersAsync();
            var report = PortfolioReport.From(counters, ["M1", "M2", "M3", "M4", "M5", "M6+"], PortfolioContribution.PeriodOf(fixture.Time.GetUtcNow()));
            var active = views.Where(v => v!.Status == AccountStatus.Active).ToList();
            return report.Accounts.Active == active.Count
                && report.Accounts.Closed == views.Length - active.Count
                && active.GroupBy(v => v!.Stage?.ToString() ?? "None").All(g => report.Accounts.ByStage.GetValueOrDefault(g.Key) == g.Count())
                && active.GroupBy(v => v!.Bucket).Where(g => g.Key is not null).All(g => report.Accounts.ByBucket.GetValueOrDefault(g.Key!) == g.Count())
                && report.Accounts.ByBucket.Values.Sum() == active.Count(v => v!.Bucket is not null)
                && report.Balance!.Active == active.Sum(v => v!.Balance.Total)
                && report.Collected == views.Sum(v => v!.Collected);
        }, "the portfolio counters equal the sum over the accounts", onTimeout: async () =>
        {
            // Which accounts the counters disagree with, and when their wake reminder is due.
            var reminders = fixture.Cluster.GetSiloServiceProvider().GetRequiredService<IReminderTable>();
            var lines = new List<string>();
            foreach (var r in refs)
            {
                var view = (await Account(r).GetViewAsync())!;
                var stored = await fixture.Portfolio.GetContributionAsync(lender, r);
                if (stored?.Stage != (view.Status == AccountStatus.Active ? view.Stage : null) || stored?.Bucket != view.Bucket)
                {
                    var wake = await reminders.ReadRow(Account(r).GetGrainId(), "wake");
                    lines.Add($"{r}: dpd {view.DaysPastDue}, {view.Stage}/{view.Bucket}, counted as {stored?.Stage}/{stored?.Bucket}, wake due {wake?.StartAt:O}");
                }
            }

            return $"now {fixture.Time.GetUtcNow():O}; " + string.Join("; ", lines);
        });

        var final = PortfolioReport.From(await fixture.Client.GetGrain<IPortfolioGrain>(lender).GetCountersAsync(), ["M1", "M2", "M3", "M4", "M5", "M6+"], PortfolioContribution.PeriodOf(fixture.Time.GetUtcNow()));
        Assert.Equal(25, final.Accounts.Closed);
        Assert.True(final.RollRates.ByBucket["M1"] > 0, "accounts rolled from M1 to M2 while time passed");
    }
}
