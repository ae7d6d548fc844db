using System.Collections.Immutable;
using Collections.Contracts;

namespace Collections.Grains.Agencies;

[GenerateSerializer, Alias("collections.AgencyDirectoryState")]
public sealed class AgencyDirectoryState
{
    [Id(0)] public Dictionary<string, AgencyListing> Agencies { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>The cluster's list of agencies (see <see cref="IAgencyDirectoryGrain"/>); small, and read once per silo per refresh.</summary>
public sealed class AgencyDirectoryGrain(
    [PersistentState("agencies", GrainStorage.Name)] IPersistentState<AgencyDirectoryState> state) : Grain, IAgencyDirectoryGrain
{
    private ImmutableArray<AgencyListing>? listed;

    public async Task UpsertAsync(AgencyListing listing)
    {
        if (state.State.Agencies.TryGetValue(listing.AgencyId, out var known) && known == listing)
        {
            return;
        }

        state.State.Agencies[listing.AgencyId] = listing;
        listed = null;
        await state.WriteStateAsync();
    }

    public Task<ImmutableArray<AgencyListing>> ListAsync()
    {
        listed ??= [.. state.State.Agencies.Values.OrderBy(a => a.AgencyId, StringComparer.Ordinal)];
        return Task.FromResult(listed.Value);
    }
}
