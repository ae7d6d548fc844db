namespace Collections.Domain.Agencies;

/// <summary>What allocation knows of an agency with room: its measured recovery over its placements so far.</summary>
public sealed record AgencyCandidate(string AgencyId, long Placements, double RecoveryRate);

/// <summary>
/// Choosing among agencies with room, weighted by measured performance. An agency's weight is its
/// recovery rate (collected ÷ placed balance) shrunk towards the average of all candidates by
/// <see cref="PriorPlacements"/> pseudo-placements: a new agency starts at the average — a fair share —
/// and its own results take over as its placements grow. A floor keeps every agency in the rotation so
/// that one bad start is not final.
/// </summary>
public static class AgencyAllocation
{
    /// <summary>How many placements of average results every agency is assumed to start with.</summary>
    public const double PriorPlacements = 20;

    /// <summary>No agency's weight falls below this share of the average weight.</summary>
    public const double FloorShareOfAverage = 0.05;

    public static IReadOnlyDictionary<string, double> Weights(IReadOnlyCollection<AgencyCandidate> candidates)
    {
        var measured = candidates.Where(c => c.Placements > 0).ToList();
        var placements = measured.Sum(c => (double)c.Placements);
        var average = placements > 0 ? measured.Sum(c => c.Placements * Clamp(c.RecoveryRate)) / placements : 0;
        if (average <= 0)
        {
            // Nothing collected by anyone yet: nothing to tell the agencies apart, so equal shares.
            return candidates.ToDictionary(c => c.AgencyId, _ => 1.0, StringComparer.Ordinal);
        }

        return candidates.ToDictionary(
            c => c.AgencyId,
            c => Math.Max(FloorShareOfAverage * average, ((c.Placements * Clamp(c.RecoveryRate)) + (PriorPlacements * average)) / (c.Placements + PriorPlacements)),
            StringComparer.Ordinal);
    }

    /// <summary>
    /// The agencies in the order to try them: a weighted random permutation (each next one drawn in
    /// proportion to its weight among those left), so that the first choice splits placements by weight
    /// and a full agency falls through to the next by the same rule.
    /// </summary>
    public static IReadOnlyList<string> Order(IReadOnlyDictionary<string, double> weights, Random random) =>
        [.. weights
            .Where(w => w.Value > 0)
            .Select(w => (Id: w.Key, Key: Math.Log(1 - random.NextDouble()) / w.Value))
            .OrderByDescending(k => k.Key)
            .Select(k => k.Id)];

    private static double Clamp(double rate) => double.IsFinite(rate) ? Math.Clamp(rate, 0, 1) : 0;
}
