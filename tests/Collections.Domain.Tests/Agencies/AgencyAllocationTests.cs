using Collections.Domain.Agencies;

namespace Collections.Domain.Tests.Agencies;

public sealed class AgencyAllocationTests
{
    [Fact]
    public void A_new_agency_is_weighted_at_the_average_of_the_measured_ones()
    {
        var weights = AgencyAllocation.Weights(
        [
            new AgencyCandidate("A", 200, 0.30),
            new AgencyCandidate("B", 200, 0.10),
            new AgencyCandidate("NEW", 0, 0),
        ]);

        Assert.Equal(0.20, weights["NEW"], 6);
        Assert.Equal((200 * 0.30 + 20 * 0.20) / 220, weights["A"], 6);
        Assert.Equal((200 * 0.10 + 20 * 0.20) / 220, weights["B"], 6);
    }

    [Fact]
    public void Without_any_recovery_yet_every_agency_gets_an_equal_share_and_a_poor_one_keeps_a_floor()
    {
        Assert.All(AgencyAllocation.Weights([new AgencyCandidate("A", 0, 0), new AgencyCandidate("B", 50, 0)]).Values, w => Assert.Equal(1.0, w));

        var weights = AgencyAllocation.Weights([new AgencyCandidate("GOOD", 10_000, 0.5), new AgencyCandidate("POOR", 10_000, 0)]);
        Assert.True(weights["POOR"] >= AgencyAllocation.FloorShareOfAverage * 0.25 - 1e-9);
    }

    [Fact]
    public void Placements_split_by_weight_within_tolerance_over_many_draws()
    {
        var weights = AgencyAllocation.Weights(
        [
            new AgencyCandidate("A", 200, 0.30),
            new AgencyCandidate("B", 200, 0.10),
            new AgencyCandidate("NEW", 0, 0),
        ]);
        var total = weights.Values.Sum();
        var random = new Random(7);
        const int draws = 30_000;
        var firsts = Enumerable.Range(0, draws).Select(_ => AgencyAllocation.Order(weights, random)[0]).GroupBy(id => id).ToDictionary(g => g.Key, g => g.Count());

        foreach (var (id, weight) in weights)
        {
            // ±1.5 points: over 4 standard deviations at 30 000 draws.
            Assert.InRange((double)firsts[id] / draws, (weight / total) - 0.015, (weight / total) + 0.015);
        }
    }

    [Fact]
    public void The_order_lists_every_agency_once_so_a_full_one_falls_through_to_the_next()
    {
        var order = AgencyAllocation.Order(new Dictionary<string, double> { ["A"] = 1, ["B"] = 2, ["C"] = 0.5 }, new Random(1));
        Assert.Equal(["A", "B", "C"], order.Order(StringComparer.Ordinal));
    }
}
