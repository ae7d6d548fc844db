namespace Collections.Domain;

/// <summary>Segmentation: the risk tier that chooses a treatment, from DPD, balance and an optional score.</summary>
public static class RiskTiers
{
    public static RiskTier Assess(int daysPastDue, decimal balance, int? score)
    {
        var tier = daysPastDue switch
        {
            > 90 => RiskTier.High,
            > 30 => RiskTier.Medium,
            _ => RiskTier.Low,
        };

        // A bureau/behaviour score, when the lender sends one, can only raise the tier: a low score is
        // evidence of risk, a high one does not outweigh months of arrears.
        if (score is { } s)
        {
            var byScore = s < 400 ? RiskTier.High : s < 700 ? RiskTier.Medium : RiskTier.Low;
            tier = (RiskTier)Math.Max((int)tier, (int)byScore);
        }

        return tier;
    }
}
