using Collections.Domain.Events;
using Collections.Domain.Strategies;
using Collections.Domain.Tests.Support;
using FsCheck.Xunit;

namespace Collections.Domain.Tests.Segments;

public class SegmentProperties
{
    private static readonly Product[] Products = Enum.GetValues<Product>();

    /// <summary>Two overlapping segments built from arbitrary numbers, with every bound inclusive and some open.</summary>
    private static Strategy TwoSegments(int low, int high, int score) => StrategyDocument.Default with
    {
        Segments =
        [
            new Segment("first", new SegmentWhen(null, Math.Abs(high % 200), null, Math.Abs(low % 5000), null, null, []), StrategyDocument.Default, false),
            new Segment("second", new SegmentWhen(Math.Abs(low % 100), null, null, null, Math.Abs(score % 1000), null, [Products[Math.Abs(score % 3)]]), StrategyDocument.Default, false),
        ],
    };

    [Property]
    public void Exactly_one_of_a_segment_or_none_applies_and_it_is_the_first_that_matches(int low, int high, int score, int dpd, int balance, int? accountScore, int product)
    {
        var strategy = TwoSegments(low, high, score);
        var figures = (Dpd: Math.Abs(dpd % 400), Balance: (decimal)Math.Abs(balance % 10_000), Score: accountScore is { } s ? Math.Abs(s % 1001) : (int?)null, Product: Products[Math.Abs(product % 3)]);

        var chosen = strategy.SegmentFor(figures.Dpd, figures.Balance, figures.Score, figures.Product);

        var matching = strategy.Segments.Where(s => s.When.Matches(figures.Dpd, figures.Balance, figures.Score, figures.Product)).ToList();
        Assert.Equal(matching.FirstOrDefault(), chosen);
        Assert.True(chosen is null == matching.Count is 0);
    }

    [Property]
    public void A_payment_that_takes_the_balance_across_a_bound_changes_the_segment_once_with_one_SegmentChanged(int bound, int above, int below)
    {
        var limit = 100 + Math.Abs(bound % 5000);
        var owed = limit + 1 + Math.Abs(above % 5000);
        var paid = owed - limit + Math.Abs(below % (limit - 1));
        var strategy = SegmentTests.InForceOf($$"""{ "segments": [ { "name": "small", "when": { "maxBalance": {{limit}} } } ] }""");
        var record = Records.Account().Owing(owed).Build();
        var account = AccountHarness.Opened(record, record.AtDpd(5), strategy);
        Assert.Null(account.State.Segment);

        account.Payment("P1", paid, record.AtDpd(6));
        account.AdvanceTo(record.AtDpd(7));
        account.AdvanceTo(record.AtDpd(40));

        Assert.Equal(new SegmentChanged(null, "small", 6, owed - paid, null), Assert.Single(account.Recorded<SegmentChanged>()));
        Assert.Equal("small", account.State.Segment);
    }
}
