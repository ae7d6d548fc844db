using System.Diagnostics.Metrics;

namespace Collections.Grains.Agencies;

/// <summary>
/// Outsourcing's meters (<c>Collections.Agencies</c>): placements by outcome, reservations by agency and
/// outcome, and the allocation cache's refreshes — the last two show where allocation's load goes.
/// </summary>
public static class AgencyMetrics
{
    public const string MeterName = "Collections.Agencies";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Allocation attempts by outcome (reserved, no_room, no_agency).</summary>
    public static readonly Counter<long> Allocations = Meter.CreateCounter<long>("collections.placement.allocations");

    /// <summary>Reservations answered by agency grains, by agency and outcome (reserved, already_held, full, not_serving).</summary>
    public static readonly Counter<long> Reservations = Meter.CreateCounter<long>("collections.agency.reservations");

    /// <summary>Placements ended, by reason.</summary>
    public static readonly Counter<long> Ended = Meter.CreateCounter<long>("collections.placement.ended");

    /// <summary>Reads of the agency directory by the per-silo allocation caches.</summary>
    public static readonly Counter<long> CatalogRefreshes = Meter.CreateCounter<long>("collections.agency.catalog_refreshes");
}
