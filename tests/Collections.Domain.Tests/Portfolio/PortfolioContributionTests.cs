using Collections.Domain.Portfolio;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Collections.Domain.Tests.Portfolio;

public static class PortfolioArbitraries
{
    private static readonly string[] Buckets = ["M1", "M2", "M3"];

    public static Arbitrary<(int Account, PortfolioContribution Contribution)[]> Updates() =>
        Gen.ArrayOf(
            from account in Gen.Choose(0, 9)
            from closed in Gen.Frequency((4, Gen.Constant(false)), (1, Gen.Constant(true)))
            from stage in Gen.Elements<Stage?>(null, Stage.Notice, Stage.Early, Stage.Mid)
            from bucket in Gen.Choose(0, Buckets.Length - 1)
            from currency in Gen.Elements("CNY", "USD")
            from balanceCents in Gen.Choose(0, 10_000_000)
            from collectedCents in Gen.Choose(0, 1_000_000)
            from variant in Gen.Elements(StrategyVariant.Champion, StrategyVariant.Challenger)
            select (account, new PortfolioContribution(
                closed ? AccountStatus.Closed : AccountStatus.Active,
                closed ? null : stage,
                closed ? null : Buckets[bucket],
                currency,
                balanceCents / 100m,
                collectedCents / 100m,
                variant,
                closed ? null : bucket)))
        .ToArbitrary();
}

public sealed class PortfolioContributionTests
{
    [Fact]
    public void Violations_are_counted_per_actor_and_a_second_one_adds_only_the_difference()
    {
        var once = new PortfolioContribution(AccountStatus.Active, Stage.Early, "M1", "CNY", 100m, 0m, StrategyVariant.Champion, 0, "agency:A1=1;lender:L1=2");
        var twice = once with { Violations = "agency:A1=2;lender:L1=2" };

        var first = PortfolioContribution.Difference(null, once, "2026-11");
        var second = PortfolioContribution.Difference(once, twice, "2026-11");

        Assert.Equal((1L, 2L), (first["violations|agency:A1"], first["violations|lender:L1"]));
        Assert.Equal(1L, Assert.Single(second).Value);
        var report = PortfolioReport.From(first, ["M1"], "2026-11");
        Assert.Equal(2L, report.Violations["lender:L1"]);
    }

    [Property(Arbitrary = [typeof(PortfolioArbitraries)])]
    public void Applying_each_change_as_a_difference_gives_the_sum_over_the_accounts_last_contributions((int Account, PortfolioContribution Contribution)[] updates)
    {
        var last = new Dictionary<int, PortfolioContribution>();
        var counters = new Dictionary<string, long>();
        foreach (var (account, contribution) in updates)
        {
            foreach (var (key, delta) in PortfolioContribution.Difference(last.GetValueOrDefault(account), contribution, "2026-11"))
            {
                counters[key] = counters.GetValueOrDefault(key) + delta;
            }

            last[account] = contribution;
        }

        var report = PortfolioReport.From(counters, ["M1", "M2", "M3"], "2026-11");
        var active = last.Values.Where(c => c.Status == AccountStatus.Active).ToList();
        Assert.Equal(active.Count, report.Accounts.Active);
        Assert.Equal(last.Count - active.Count, report.Accounts.Closed);
        foreach (var group in active.GroupBy(c => c.Bucket!))
        {
            Assert.Equal(group.Count(), report.Accounts.ByBucket[group.Key]);
        }

        foreach (var group in last.Values.GroupBy(c => c.Currency))
        {
            var figures = report.ByCurrency[group.Key];
            Assert.Equal(group.Where(c => c.Status == AccountStatus.Active).Sum(c => c.Balance), figures.Active);
            Assert.Equal(group.Sum(c => c.Collected), figures.Collected);
        }

        Assert.All(counters.Where(c => !c.Key.StartsWith("roll|", StringComparison.Ordinal)), c => Assert.True(c.Value >= 0, c.Key));
    }

    [Fact]
    public void An_account_moving_from_M1_to_M2_counts_as_a_roll_of_M1()
    {
        var m1 = new PortfolioContribution(AccountStatus.Active, Stage.Early, "M1", "CNY", 100m, 0m, StrategyVariant.Champion, 0);
        var m2 = m1 with { Bucket = "M2", BucketIndex = 1, Stage = Stage.Mid };
        var other = m1;
        var counters = new Dictionary<string, long>();
        void Apply(PortfolioContribution? before, PortfolioContribution after)
        {
            foreach (var (key, delta) in PortfolioContribution.Difference(before, after, "2026-11"))
            {
                counters[key] = counters.GetValueOrDefault(key) + delta;
            }
        }

        Apply(null, m1);
        Apply(null, other);
        Apply(m1, m2);

        var report = PortfolioReport.From(counters, ["M1", "M2"], "2026-11");
        Assert.Equal(0.5m, report.RollRates.ByBucket["M1"]);
        Assert.Equal(0m, report.RollRates.ByBucket["M2"]);
        Assert.Equal(200m, report.Balance!.Active);
    }
}
