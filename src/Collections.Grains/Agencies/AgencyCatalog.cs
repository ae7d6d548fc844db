using System.Collections.Immutable;
using Collections.Contracts;
using Collections.Domain.Agencies;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Collections.Grains.Agencies;

/// <summary>
/// Each silo's cached copy of the agency directory with every agency's room and measured recovery,
/// refreshed every <see cref="AgencyOptions.CatalogTtl"/> by one read of the directory and one status
/// call per agency — so the directory's load grows with silos, not with placements. Between refreshes
/// it tracks its own silo's reservations and the agencies that answered "full", so that accounts
/// waiting for capacity do not call full agencies at all. It only routes: the agency grain decides.
/// </summary>
public sealed partial class AgencyCatalog(
    IGrainFactory grains,
    IOptions<AgencyOptions> options,
    [FromKeyedServices(AgencyCatalog.TimeKey)] TimeProvider time,
    AgencyMetrics metrics,
    ILogger<AgencyCatalog> logger)
{
    /// <summary>
    /// The key of the catalog's own clock (real time; the unkeyed provider unless a test registers a fake
    /// one), so that a test can expire the cache without waiting and without moving the silo's clock.
    /// </summary>
    public const string TimeKey = "collections-agency-catalog";

    private readonly Lock gate = new();
    private volatile Snapshot? snapshot;
    private Task<Snapshot>? refreshing;

    /// <summary>An agency serving an account, whether it seems to have room, and its weight among those that do.</summary>
    public sealed record Choice(string AgencyId, bool HasRoom, AgencyCandidate Candidate);

    /// <summary>The agencies that serve <paramref name="lenderId"/> in <paramref name="region"/>, except <paramref name="exclude"/>.</summary>
    public async ValueTask<IReadOnlyList<Choice>> ServingAsync(string lenderId, string? region, string? exclude)
    {
        var current = await CurrentAsync();
        return current.Serving(lenderId, region, exclude);
    }

    /// <summary>This silo reserved a slot with the agency: one less until the next refresh says otherwise.</summary>
    public void Reserved(string agencyId)
    {
        if (snapshot?.Find(agencyId) is { } known)
        {
            Interlocked.Increment(ref known.LocalReservations);
        }
    }

    /// <summary>The agency answered "full" (or no longer serves): skip it until the next refresh.</summary>
    public void Unavailable(string agencyId)
    {
        if (snapshot?.Find(agencyId) is { } known)
        {
            known.Unavailable = true;
        }
    }

    private async ValueTask<Snapshot> CurrentAsync()
    {
        var current = snapshot;
        return current is not null && time.GetUtcNow() - current.ReadAt < options.Value.CatalogTtl
            ? current
            : await RefreshAsync(current);
    }

    private Task<Snapshot> RefreshAsync(Snapshot? seen)
    {
        lock (gate)
        {
            if (snapshot != seen && snapshot is not null)
            {
                return Task.FromResult(snapshot);
            }

            if (refreshing is null || refreshing.IsCompleted)
            {
                refreshing = LoadAsync();
            }

            return refreshing;
        }
    }

    private async Task<Snapshot> LoadAsync()
    {
        metrics.CatalogRefreshes.Add(1);
        var listings = await grains.GetGrain<IAgencyDirectoryGrain>(IAgencyDirectoryGrain.Key).ListAsync();
        var statuses = await Task.WhenAll(listings.Select(async listing =>
        {
            try
            {
                return await grains.GetGrain<IAgencyGrain>(listing.AgencyId).GetStatusAsync();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogStatusFailed(logger, listing.AgencyId, ex.GetType().Name);
                return null;
            }
        }));

        var known = listings.Zip(statuses)
            .Where(p => p.Second is not null)
            .Select(p => new Known(p.First.Profile, p.Second!))
            .ToImmutableArray();
        var loaded = new Snapshot(known, time.GetUtcNow());
        lock (gate)
        {
            snapshot = loaded;
        }

        return loaded;
    }

    [LoggerMessage(EventId = 7101, Level = LogLevel.Warning, Message = "Agency {AgencyId} did not answer its status ({ExceptionType}); it is left out of allocation until the next refresh")]
    private static partial void LogStatusFailed(ILogger logger, string agencyId, string exceptionType);

    private sealed class Known(AgencyProfile profile, AgencyStatus status)
    {
        public int LocalReservations;

        public AgencyProfile Profile { get; } = profile;

        public AgencyStatus Status { get; } = status;

        public volatile bool Unavailable;

        public bool HasRoom => !Unavailable && Status.Current + Volatile.Read(ref LocalReservations) < Status.Capacity;
    }

    private sealed class Snapshot(ImmutableArray<Known> agencies, DateTimeOffset readAt)
    {
        public DateTimeOffset ReadAt { get; } = readAt;

        public Known? Find(string agencyId) => agencies.FirstOrDefault(a => a.Status.AgencyId == agencyId);

        public List<Choice> Serving(string lenderId, string? region, string? exclude) =>
        [
            .. agencies
                .Where(a => a.Status.AgencyId != exclude && a.Profile.Serves(lenderId, region))
                .Select(a => new Choice(a.Status.AgencyId, a.HasRoom, new AgencyCandidate(a.Status.AgencyId, a.Status.Completed, a.Status.CompletedRecoveryRate))),
        ];
    }
}
