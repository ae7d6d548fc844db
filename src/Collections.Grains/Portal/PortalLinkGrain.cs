using System.Security.Cryptography;
using Collections.Contracts;
using Collections.Domain.Portal;
using Collections.Grains.Time;

namespace Collections.Grains.Portal;

[GenerateSerializer, Alias("collections.PortalLinkState")]
public sealed class PortalLinkState
{
    [Id(0)] public byte[]? TokenHash { get; set; }

    [Id(1)] public PortalLink? Link { get; set; }
}

/// <summary>
/// One link to a debtor's page (see <see cref="IPortalLinkGrain"/>). Expiry is in business time, as the
/// strategy's <c>portal.linkDays</c> are; answers to the knowledge check are counted one at a time, so two
/// guesses racing cannot both slip under the lock.
/// </summary>
public sealed class PortalLinkGrain(
    [PersistentState("portallink", GrainStorage.Name)] IPersistentState<PortalLinkState> state,
    BusinessClock clock) : Grain, IPortalLinkGrain
{
    public async Task CreateAsync(byte[] tokenHash, PortalLink link)
    {
        if (state.State.TokenHash is not null)
        {
            throw new InvalidOperationException("A portal link with this id already exists.");
        }

        state.State = new PortalLinkState { TokenHash = tokenHash, Link = link };
        await state.WriteOrDeactivateAsync(this);
    }

    public async Task<PortalAccess> OpenAsync(byte[] tokenHash)
    {
        if (LinkFor(tokenHash) is not { } link)
        {
            return PortalAccess.Unknown;
        }

        var now = clock.Now;
        var status = link.StatusAt(now);
        if (status != PortalLinkStatus.Active || link.OpenedAt is not null)
        {
            return new PortalAccess(status, status == PortalLinkStatus.Active ? link : null);
        }

        state.State.Link = link with { OpenedAt = now };
        await state.WriteOrDeactivateAsync(this);
        return new PortalAccess(status, state.State.Link, FirstOpen: true);
    }

    public async Task<PortalAccess> AnswerAsync(byte[] tokenHash, bool right)
    {
        if (LinkFor(tokenHash) is not { } link)
        {
            return PortalAccess.Unknown;
        }

        var now = clock.Now;
        var answered = PortalRules.Answer(link, right, now);
        if (answered != link)
        {
            state.State.Link = answered;
            await state.WriteOrDeactivateAsync(this);
        }

        var status = answered.StatusAt(now);
        return new PortalAccess(status, status is PortalLinkStatus.Active or PortalLinkStatus.Locked ? answered : null);
    }

    public async Task<bool> RevokeAsync()
    {
        if (state.State.Link is not { RevokedAt: null } link)
        {
            return false;
        }

        state.State.Link = link with { RevokedAt = clock.Now };
        await state.WriteOrDeactivateAsync(this);
        return true;
    }

    private PortalLink? LinkFor(byte[] tokenHash) =>
        state.State is { TokenHash: { } stored, Link: { } link } && CryptographicOperations.FixedTimeEquals(stored, tokenHash) ? link : null;
}
