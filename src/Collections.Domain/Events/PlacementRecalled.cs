using Collections.Domain.Accounts;

namespace Collections.Domain.Events;

/// <summary>
/// The placement with <see cref="AgencyId"/> ended on the engine's or the lender's side: its term ran out,
/// a dispute or a hold that recalls placements, the account closed or was paid in full, or it left the
/// placement stage. <see cref="Detail"/> names the hold, the closing reason or the stage;
/// <see cref="Stats"/> is what the agency achieved during the placement.
/// </summary>
public sealed record PlacementRecalled(string AgencyId, PlacementEndReason Reason, string? Detail, PlacementStats Stats) : AccountEventData;
