using System.Collections.Immutable;
using System.Text.Json.Serialization;
using Orleans;

namespace Collections.Domain.Accounts;

/// <summary>Whether an arrangement is in force or waits for the lender's approval.</summary>
public enum ApprovalStatus
{
    Active,
    PendingApproval,
}

/// <summary>Interest, fees and penalty forgiven on condition that a plan is completed; principal is never waived.</summary>
[GenerateSerializer, Immutable, Alias("collections.Waiver")]
public sealed record Waiver(
    [property: Id(0)] decimal Interest,
    [property: Id(1)] decimal Fees,
    [property: Id(2)] decimal Penalty)
{
    public static readonly Waiver None = new(0, 0, 0);

    [JsonIgnore]
    public decimal Total => Interest + Fees + Penalty;
}

/// <summary>One installment of a payment plan.</summary>
[GenerateSerializer, Immutable, Alias("collections.PlanInstallment")]
public sealed record PlanInstallment(
    [property: Id(0)] DateOnly DueDate,
    [property: Id(1)] decimal Amount);

/// <summary>
/// What a payment plan asks of the debtor: installments in date order and a conditional waiver. The
/// installments and the waiver together make up the balance at agreement, to the minor unit.
/// </summary>
[GenerateSerializer, Immutable, Alias("collections.PlanTerms")]
public sealed record PlanTerms(
    [property: Id(0)] ImmutableArray<PlanInstallment> Installments,
    [property: Id(1)] Waiver Waive)
{
    [JsonIgnore]
    public decimal Total => Installments.IsDefault ? 0 : Installments.Sum(i => i.Amount);

    /// <summary>Element-wise equality: records compare arrays by reference otherwise.</summary>
    public bool Equals(PlanTerms? other) =>
        other is not null && Waive == other.Waive && Installments.AsSpan().SequenceEqual(other.Installments.AsSpan());

    public override int GetHashCode() => HashCode.Combine(Waive, Installments.Length);
}

/// <summary>
/// A promise to pay <see cref="Amount"/> by <see cref="DueDate"/>. It is decided when the day
/// <see cref="DueDate"/> + <see cref="GraceDays"/> ends (debtor's local time): kept when the payments
/// recorded since it was made reach the amount, broken otherwise.
/// </summary>
public sealed record PromiseToPay(decimal Amount, DateOnly DueDate, int GraceDays, DateTimeOffset MadeAt, decimal Paid)
{
    /// <summary>The last local day on which a payment still counts.</summary>
    [JsonIgnore]
    public DateOnly LastDay => DueDate.AddDays(GraceDays);
}

/// <summary>
/// A payment plan: its terms, whether the lender still has to approve it, the grace allowed on each
/// installment and what has been paid since it was submitted. Installment <c>i</c> is met when
/// <see cref="Paid"/> reaches the sum of installments 1…i.
/// <see cref="SubmittedBy"/> is the actor that submitted it (maker–checker: it may not approve it).
/// </summary>
public sealed record PaymentPlan(
    PlanTerms Terms, ApprovalStatus Status, int GraceDays, DateTimeOffset SubmittedAt, decimal Paid, decimal BalanceAtSubmission,
    string? SubmittedBy = null, decimal WaivePercent = 0)
{
    /// <summary>The first installment not yet covered by <see cref="Paid"/>, with what must have been paid by then.</summary>
    public (PlanInstallment Installment, decimal CumulativeDue)? FirstUnmet()
    {
        var cumulative = 0m;
        foreach (var installment in Terms.Installments)
        {
            cumulative += installment.Amount;
            if (Paid < cumulative)
            {
                return (installment, cumulative);
            }
        }

        return null;
    }
}

/// <summary>
/// An offer to close the account for <see cref="Amount"/> (below the balance) paid by the end of <see cref="ExpiresOn"/>,
/// made by <see cref="SubmittedBy"/> (who may not approve it), forgiving <see cref="WaivePercent"/> of the balance.
/// </summary>
public sealed record SettlementOffer(
    decimal Amount, DateOnly ExpiresOn, ApprovalStatus Status, DateTimeOffset OfferedAt, decimal Paid, decimal BalanceAtOffer,
    string? SubmittedBy = null, decimal WaivePercent = 0);
