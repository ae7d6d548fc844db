using System.Collections.Immutable;
using Collections.Contracts;
using Collections.Grains.Time;

namespace Collections.Grains.Portal;

/// <summary>A link of a debtor's that may still open, by id and expiry.</summary>
[GenerateSerializer, Immutable, Alias("collections.ListedPortalLink")]
public sealed record ListedPortalLink([property: Id(0)] string LinkId, [property: Id(1)] DateTimeOffset ExpiresAt);

[GenerateSerializer, Alias("collections.PortalLinksState")]
public sealed class PortalLinksState
{
    [Id(0)] public ImmutableList<ListedPortalLink> Links { get; set; } = [];
}

/// <summary>
/// The links of one debtor of a lender that may still open (see <see cref="IPortalLinksGrain"/>). The link grain
/// stays the authority on whether a link works; this list only says which ones a revocation must reach.
/// </summary>
public sealed class PortalLinksGrain(
    [PersistentState("portallinks", GrainStorage.Name)] IPersistentState<PortalLinksState> state,
    BusinessClock clock) : Grain, IPortalLinksGrain
{
    public async Task AddAsync(string linkId, DateTimeOffset expiresAt)
    {
        var now = clock.Now;

        // Expired links need no revoking: dropping them keeps the list as short as the links that still open.
        state.State.Links = state.State.Links.RemoveAll(l => l.ExpiresAt <= now || l.LinkId == linkId).Add(new ListedPortalLink(linkId, expiresAt));
        await state.WriteOrDeactivateAsync(this);
    }

    public async Task<ImmutableArray<string>> RevokeAllAsync()
    {
        var now = clock.Now;
        var open = state.State.Links.Where(l => l.ExpiresAt > now).ToList();

        // Revoked at the authorities first: a failure in between leaves them listed, and revoking again is harmless.
        var revoked = await Task.WhenAll(open.Select(l => GrainFactory.GetGrain<IPortalLinkGrain>(l.LinkId).RevokeAsync()));
        if (!state.State.Links.IsEmpty)
        {
            state.State.Links = [];
            await state.WriteOrDeactivateAsync(this);
        }

        return [.. open.Where((_, i) => revoked[i]).Select(l => l.LinkId)];
    }
}
