using Collections.Contracts;
using Collections.Domain.Queues;
using Collections.Grains.Storage;
using Collections.Grains.Time;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace Collections.Grains.Queues;

/// <summary>
/// Hands out a lender's accounts to its collectors. A stateless worker: the lease in the shared store,
/// not this grain, keeps two collectors off one account, so any number of activations on any number of
/// silos serve <c>next</c> at once. For each candidate (callable and not leased as the store sees it)
/// the lease is taken first, then the account itself confirms that a call is allowed now; when it is
/// not (the entry was stale: a window closed, a cap was reached since), the lease is given back and the
/// account has already put its entry right, so the next walk does not meet it again.
/// </summary>
[StatelessWorker]
public sealed partial class WorkQueueGrain(IWorkQueueStore store, StorageGate gate, BusinessClock clock, ILogger<WorkQueueGrain> logger) : Grain, IWorkQueueGrain
{
    /// <summary>Candidates read per walk, and walks per call before answering that nothing may be called now.</summary>
    private const int CandidatesPerWalk = 8;
    private const int Walks = 4;

    private string LenderId => this.GetPrimaryKeyString();

    public async Task<WorkAssignment?> NextAsync(string teamId, Team team, string collector)
    {
        for (var walk = 0; walk < Walks; walk++)
        {
            var now = clock.Now;
            var candidates = await gate.RunAsync(() => store.CandidatesAsync(LenderId, team.Stages, team.Segments, now, CandidatesPerWalk));
            if (candidates.Count == 0)
            {
                return null;
            }

            foreach (var candidate in candidates)
            {
                var expires = now + TimeSpan.FromMinutes(team.LeaseMinutes);
                if (!await gate.RunAsync(() => store.TryLeaseAsync(LenderId, candidate.AccountRef, new WorkLease(collector, teamId, expires), now)))
                {
                    continue;
                }

                CallOffer? offer;
                try
                {
                    offer = await GrainFactory.GetGrain<IAccountQueueGrain>(AccountKey.For(LenderId, candidate.AccountRef)).OfferCallAsync();
                }
                catch
                {
                    // The account could not answer: nobody was handed it, so nobody should hold it until the lease expires.
                    await gate.RunAsync(() => store.ReleaseAsync(LenderId, candidate.AccountRef, collector, now));
                    throw;
                }

                if (offer is { Permission.Allowed: true, QueueStage: { } stage } && team.Covers(stage, offer.QueueSegment))
                {
                    return new WorkAssignment(candidate.AccountRef, expires, candidate.Reason, offer.View);
                }

                await gate.RunAsync(() => store.ReleaseAsync(LenderId, candidate.AccountRef, collector, now));
                LogStale(logger, LenderId, candidate.AccountRef, offer?.Permission.Rule ?? "gone");
            }
        }

        return null;
    }

    public Task<LeaseRelease> ReleaseAsync(string accountRef, string collector, bool anyHolder) =>
        gate.RunAsync(() => store.ReleaseAsync(LenderId, accountRef, anyHolder ? null : collector, clock.Now));

    public Task<TeamQueueCounts> CountAsync(string teamId, Team team) =>
        gate.RunAsync(() => store.CountAsync(LenderId, teamId, team.Stages, team.Segments, clock.Now));

    [LoggerMessage(EventId = 1401, Level = LogLevel.Debug, Message = "Work queue of {LenderId}: account {AccountRef} was not callable now ({Rule}); its entry was put right")]
    private static partial void LogStale(ILogger logger, string lenderId, string accountRef, string rule);
}
