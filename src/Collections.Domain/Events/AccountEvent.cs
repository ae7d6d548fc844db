using System.Collections.Frozen;
using System.Reflection;
using System.Text.Json.Serialization;

namespace Collections.Domain.Events;

/// <summary>
/// One immutable entry of an account's audit trail: what happened (<see cref="Data"/>), when in
/// business time, by whom, and its position in the account's gap-free sequence.
/// </summary>
public sealed record AccountEvent(long Seq, DateTimeOffset At, string Actor, AccountEventData Data)
{
    public string Type => Data.TypeName;
}

/// <summary>
/// The facts an account records. Stored as JSON with a <c>type</c> discriminator (never a .NET type
/// name), so renaming a class never orphans stored history: the discriminator is the contract.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type", UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization)]
[JsonDerivedType(typeof(AccountOpened), nameof(AccountOpened))]
[JsonDerivedType(typeof(AccountUpdated), nameof(AccountUpdated))]
[JsonDerivedType(typeof(AccountReopened), nameof(AccountReopened))]
[JsonDerivedType(typeof(StageEntered), nameof(StageEntered))]
[JsonDerivedType(typeof(PaymentReceived), nameof(PaymentReceived))]
[JsonDerivedType(typeof(AccountClosed), nameof(AccountClosed))]
[JsonDerivedType(typeof(PromiseMade), nameof(PromiseMade))]
[JsonDerivedType(typeof(PromiseKept), nameof(PromiseKept))]
[JsonDerivedType(typeof(PromiseBroken), nameof(PromiseBroken))]
[JsonDerivedType(typeof(PlanSubmitted), nameof(PlanSubmitted))]
[JsonDerivedType(typeof(PlanApproved), nameof(PlanApproved))]
[JsonDerivedType(typeof(PlanBroken), nameof(PlanBroken))]
[JsonDerivedType(typeof(PlanLapsed), nameof(PlanLapsed))]
[JsonDerivedType(typeof(PlanCompleted), nameof(PlanCompleted))]
[JsonDerivedType(typeof(PlanDeclined), nameof(PlanDeclined))]
[JsonDerivedType(typeof(SettlementOffered), nameof(SettlementOffered))]
[JsonDerivedType(typeof(SettlementApproved), nameof(SettlementApproved))]
[JsonDerivedType(typeof(SettlementPaid), nameof(SettlementPaid))]
[JsonDerivedType(typeof(SettlementExpired), nameof(SettlementExpired))]
[JsonDerivedType(typeof(SettlementDeclined), nameof(SettlementDeclined))]
[JsonDerivedType(typeof(DisputeOpened), nameof(DisputeOpened))]
[JsonDerivedType(typeof(DisputeResolved), nameof(DisputeResolved))]
[JsonDerivedType(typeof(HoldPlaced), nameof(HoldPlaced))]
[JsonDerivedType(typeof(HoldReleased), nameof(HoldReleased))]
[JsonDerivedType(typeof(LitigationStepRecorded), nameof(LitigationStepRecorded))]
[JsonDerivedType(typeof(AccountPlaced), nameof(AccountPlaced))]
[JsonDerivedType(typeof(PlacementAwaited), nameof(PlacementAwaited))]
[JsonDerivedType(typeof(PlacementRecalled), nameof(PlacementRecalled))]
[JsonDerivedType(typeof(PlacementReturned), nameof(PlacementReturned))]
[JsonDerivedType(typeof(AgencyContactRecorded), nameof(AgencyContactRecorded))]
[JsonDerivedType(typeof(PlacementPaymentCredited), nameof(PlacementPaymentCredited))]
[JsonDerivedType(typeof(ContactPlanned), nameof(ContactPlanned))]
[JsonDerivedType(typeof(ContactSuppressed), nameof(ContactSuppressed))]
[JsonDerivedType(typeof(ContactDispatchRequested), nameof(ContactDispatchRequested))]
[JsonDerivedType(typeof(ContactSent), nameof(ContactSent))]
[JsonDerivedType(typeof(ContactDispatchFailed), nameof(ContactDispatchFailed))]
[JsonDerivedType(typeof(ContactResultReceived), nameof(ContactResultReceived))]
[JsonDerivedType(typeof(ContactRecorded), nameof(ContactRecorded))]
[JsonDerivedType(typeof(ContactViolation), nameof(ContactViolation))]
[JsonDerivedType(typeof(ContactInfoChanged), nameof(ContactInfoChanged))]
[JsonDerivedType(typeof(SegmentChanged), nameof(SegmentChanged))]
[JsonDerivedType(typeof(DocumentAdded), nameof(DocumentAdded))]
[JsonDerivedType(typeof(EvidenceExported), nameof(EvidenceExported))]
[JsonDerivedType(typeof(ComplaintReceived), nameof(ComplaintReceived))]
[JsonDerivedType(typeof(ComplaintOverdue), nameof(ComplaintOverdue))]
[JsonDerivedType(typeof(ComplaintResolved), nameof(ComplaintResolved))]
[JsonDerivedType(typeof(PortalLinkIssued), nameof(PortalLinkIssued))]
[JsonDerivedType(typeof(PortalLinksRevoked), nameof(PortalLinksRevoked))]
[JsonDerivedType(typeof(PortalVisited), nameof(PortalVisited))]
[JsonDerivedType(typeof(CallbackRequested), nameof(CallbackRequested))]
[JsonDerivedType(typeof(PaymentIntentCreated), nameof(PaymentIntentCreated))]
public abstract record AccountEventData
{
    private static readonly FrozenDictionary<Type, string> Discriminators = typeof(AccountEventData)
        .GetCustomAttributes<JsonDerivedTypeAttribute>()
        .ToFrozenDictionary(a => a.DerivedType, a => (string)a.TypeDiscriminator!);

    /// <summary>The stored discriminator of this event, as declared above.</summary>
    [JsonIgnore]
    public string TypeName => Discriminators[GetType()];
}
