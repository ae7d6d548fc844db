using System.Diagnostics.Metrics;

namespace Collections.Grains.Agencies;

/// <summary>
/// Outsourcing's meters (<c>Collections.Agencies</c>): placements by outcome, reservations by agency and
/// outcome, and the allocation cache's refreshes — the last two show where allocation's load goes.
/// </summary>
public sealed class AgencyMetrics
{
    public const string MeterName = "Collections.Agencies";

    public AgencyMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        Allocations = meter.CreateCounter<long>("collections.placement.allocations");
        Reservations = meter.CreateCounter<long>("collections.agency.reservations");
        Ended = meter.CreateCounter<long>("collections.placement.ended");
        CatalogRefreshes = meter.CreateCounter<long>("collections.agency.catalog_refreshes");
    }

    /// <summary>Allocation attempts by outcome (reserved, no_room, no_agency).</summary>
    public Counter<long> Allocations { get; }

    /// <summary>Reservations answered by agency grains, by agency and outcome (reserved, already_held, full, not_serving).</summary>
    public Counter<long> Reservations { get; }

    /// <summary>Placements ended, by reason.</summary>
    public Counter<long> Ended { get; }

    /// <summary>Reads of the agency directory by the per-silo allocation caches.</summary>
    public Counter<long> CatalogRefreshes { get; }
}
