using Collections.Contracts;
using Collections.Domain.Agencies;
using Orleans.Concurrency;

namespace Collections.Grains.Agencies;

/// <summary>
/// Allocation, run locally on every silo (stateless worker) and reentrant — it keeps no state of its own,
/// so thousands of accounts allocating at once are not queued behind each other. It orders the agencies
/// with room by weight (<see cref="AgencyAllocation"/>) and reserves with each in turn until one accepts.
/// </summary>
[StatelessWorker, Reentrant]
public sealed class PlacementAllocatorGrain(AgencyCatalog catalog) : Grain, IPlacementAllocatorGrain
{
    public async Task<AllocationResult> AllocateAsync(AllocationRequest request)
    {
        var reservation = request.Reservation;
        var serving = await catalog.ServingAsync(reservation.LenderId, reservation.Region, request.ExcludeAgencyId);
        if (serving.Count == 0)
        {
            return Result(AllocationOutcome.NoAgency, null, 0, 0);
        }

        var withRoom = serving.Where(c => c.HasRoom).Select(c => c.Candidate).ToList();
        foreach (var agencyId in AgencyAllocation.Order(AgencyAllocation.Weights(withRoom), Random.Shared))
        {
            var reserved = await GrainFactory.GetGrain<IAgencyGrain>(agencyId).ReserveAsync(reservation);
            if (reserved.Outcome == ReserveOutcome.Reserved)
            {
                catalog.Reserved(agencyId);
                return Result(AllocationOutcome.Reserved, agencyId, reserved.CommissionRate, serving.Count);
            }

            catalog.Unavailable(agencyId);
        }

        return Result(AllocationOutcome.NoRoom, null, 0, serving.Count);
    }

    private static AllocationResult Result(AllocationOutcome outcome, string? agencyId, decimal rate, int candidates)
    {
        AgencyMetrics.Allocations.Add(1, new KeyValuePair<string, object?>("outcome", outcome.ToString()));
        return new AllocationResult(outcome, agencyId, rate, candidates);
    }
}
