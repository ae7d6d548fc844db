using Collections.Domain.Accounts;
using Collections.Grains.Agencies;
using FsCheck;
using FsCheck.Xunit;

namespace Collections.Grains.Tests;

/// <summary>
/// The statement's arithmetic: whatever the payments, lenders and months, each lender's month shows the
/// payments credited in it and their commission — each payment's commission is the agency's rate times it,
/// rounded to the minor unit, so the month's commission is the rate times the month's credited payments
/// within half a minor unit per payment.
/// </summary>
public sealed class AgencyStatementProperties
{
    private static readonly string[] Lenders = ["L1", "L2"];
    private static readonly string[] Months = ["2026-01", "2026-02", "2026-03"];

    [Property(MaxTest = 200)]
    public async Task Commission_is_the_rate_times_the_payments_credited_per_lender_and_month(NonNegativeInt ratePerMille, (PositiveInt Cents, byte Month, bool SecondLender)[] payments)
    {
        var rate = ratePerMille.Get % 501 / 1000m;
        var store = new InMemoryAgencyPlacementStore();
        var stats = Lenders.ToDictionary(l => l, _ => PlacementStats.Zero);
        var asOf = 1L;
        foreach (var lender in Lenders)
        {
            await store.ReserveAsync("AG", $"{lender}/A-1", 1, lender, 10, DateTimeOffset.UnixEpoch);
            await store.ConfirmAsync("AG", Placement(lender, asOf, stats[lender], Months[0]));
        }

        var expected = new Dictionary<(string, string), (decimal Credited, decimal Commission, int Count)>();
        foreach (var (cents, monthIndex, second) in payments.OrderBy(p => p.Month % Months.Length))
        {
            var (lender, month) = (Lenders[second ? 1 : 0], Months[monthIndex % Months.Length]);
            var amount = cents.Get % 10_000_000 / 100m;
            var commission = Math.Round(amount * rate, 2, MidpointRounding.AwayFromZero);
            stats[lender] = stats[lender] with { Collected = stats[lender].Collected + amount, Commission = stats[lender].Commission + commission };
            await store.UpdateAsync("AG", Placement(lender, ++asOf, stats[lender], month));
            var sum = expected.GetValueOrDefault((lender, month));
            expected[(lender, month)] = (sum.Credited + amount, sum.Commission + commission, sum.Count + 1);
        }

        foreach (var lender in Lenders)
        {
            foreach (var month in Months)
            {
                var line = AgencyStatements.Line(lender, await store.CountersAsync("AG", PlacementCounters.MonthScope(lender, month)));
                var (credited, commission, count) = expected.GetValueOrDefault((lender, month));
                Assert.Equal(credited, line.PaymentsCredited.GetValueOrDefault("CNY"));
                Assert.Equal(commission, line.Commission.GetValueOrDefault("CNY"));
                Assert.InRange(Math.Abs(line.Commission.GetValueOrDefault("CNY") - (rate * credited)), 0m, 0.005m * count);
            }
        }
    }

    private static StoredPlacement Placement(string lender, long asOf, PlacementStats stats, string month) =>
        new($"{lender}/A-1", 1, asOf, lender, "CNY", 1_000_000m, DateTimeOffset.UnixEpoch.AddYears(100), stats, "{}", month);
}
