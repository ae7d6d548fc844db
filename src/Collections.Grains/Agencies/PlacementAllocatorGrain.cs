using Collections.Contracts;
using Collections.Domain.Agencies;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace Collections.Grains.Agencies;

/// <summary>
/// Allocation, run locally on every silo (stateless worker) and reentrant — it keeps no state of its own,
/// so thousands of accounts allocating at once are not queued behind each other. It orders the agencies
/// with room by weight (<see cref="AgencyAllocation"/>) and reserves with each in turn until one accepts.
/// </summary>
[StatelessWorker, Reentrant]
public sealed partial class PlacementAllocatorGrain(AgencyCatalog catalog, AgencyMetrics metrics, ILogger<PlacementAllocatorGrain> logger) : Grain, IPlacementAllocatorGrain
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
            ReserveResult reserved;
            try
            {
                reserved = await GrainFactory.GetGrain<IAgencyGrain>(agencyId).ReserveAsync(reservation);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Try the next agency. Had the slot been reserved before the answer was lost, the agency
                // finds it unconfirmed after its confirm window and the account has it released.
                LogUnanswered(logger, agencyId, ex.GetType().Name);
                catalog.Unavailable(agencyId);
                continue;
            }

            if (reserved.Outcome == ReserveOutcome.Reserved)
            {
                catalog.Reserved(agencyId);
                return Result(AllocationOutcome.Reserved, agencyId, reserved.CommissionRate, serving.Count);
            }

            catalog.Unavailable(agencyId);
        }

        return Result(AllocationOutcome.NoRoom, null, 0, serving.Count);
    }

    [LoggerMessage(EventId = 7201, Level = LogLevel.Warning, Message = "Agency {AgencyId} did not answer a reservation ({ExceptionType}); trying the next agency")]
    private static partial void LogUnanswered(ILogger logger, string agencyId, string exceptionType);

    private AllocationResult Result(AllocationOutcome outcome, string? agencyId, decimal rate, int candidates)
    {
        metrics.Allocations.Add(1, new KeyValuePair<string, object?>("outcome", outcome.ToString()));
        return new AllocationResult(outcome, agencyId, rate, candidates);
    }
}
