using Collections.Domain.Accounts;

namespace Collections.Domain.Events;

/// <summary>The agency handed the account back before its term ended; <see cref="Reason"/> is the agency's own words.</summary>
public sealed record PlacementReturned(string AgencyId, string Reason, PlacementStats Stats) : AccountEventData;
