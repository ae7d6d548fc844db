using Orleans;

namespace Collections.Domain;

/// <summary>What the debtor owes, by component.</summary>
[GenerateSerializer, Immutable, Alias("collections.Balance")]
public sealed record Balance(
    [property: Id(0)] decimal Principal,
    [property: Id(1)] decimal Interest,
    [property: Id(2)] decimal Fees,
    [property: Id(3)] decimal Penalty)
{
    public static readonly Balance Zero = new(0, 0, 0, 0);

    public decimal Total => Principal + Interest + Fees + Penalty;

    /// <summary>
    /// Applies a payment in the usual waterfall (penalty, fees, interest, then principal); what is
    /// left over once everything is paid is returned as over-payment, never dropped.
    /// </summary>
    public (Balance After, Balance Allocated, decimal Overpaid) ApplyPayment(decimal amount)
    {
        var remaining = amount;
        decimal Take(decimal owed)
        {
            var taken = Math.Min(owed, remaining);
            remaining -= taken;
            return taken;
        }

        var penalty = Take(Penalty);
        var fees = Take(Fees);
        var interest = Take(Interest);
        var principal = Take(Principal);
        var allocated = new Balance(principal, interest, fees, penalty);
        var after = new Balance(Principal - principal, Interest - interest, Fees - fees, Penalty - penalty);
        return (after, allocated, remaining);
    }
}
