using Collections.Contracts;
using Collections.Domain.Portal;
using Collections.Grains.Portal;

namespace Collections.Grains.Tests;

/// <summary>One link to the debtor's page on business time: its token, first opening, knowledge-check lock, expiry and revocation.</summary>
[Collection(ClusterCollection.Name)]
public sealed class PortalLinkGrainTests(ClusterFixture fixture)
{
    private IClusterClient Client => fixture.Client;

    private async Task<(IPortalLinkGrain Grain, byte[] Hash, string LinkId)> CreateAsync(TimeSpan opensFor, string accountRef = "A-1")
    {
        var (_, hash, linkId) = PortalTokens.New();
        var now = fixture.Time.GetUtcNow();
        var link = new PortalLink("L-portal", accountRef, null, "en", now, now + opensFor);
        await PortalTokens.ActivateAsync(Client, linkId, hash, link);
        return (Client.GetGrain<IPortalLinkGrain>(linkId), hash, linkId);
    }

    [Fact]
    public async Task Only_the_token_whose_hash_was_stored_opens_the_link_and_the_first_opening_says_so_once()
    {
        var (grain, hash, _) = await CreateAsync(TimeSpan.FromDays(14));

        Assert.Equal(PortalAccess.Unknown, await grain.OpenAsync(PortalTokens.Hash("another token of the same shape, not this one")));
        var first = await grain.OpenAsync(hash);
        Assert.Equal((PortalLinkStatus.Active, true), (first.Status, first.FirstOpen));
        Assert.False((await grain.OpenAsync(hash)).FirstOpen);
        await Assert.ThrowsAsync<InvalidOperationException>(() => grain.CreateAsync(hash, first.Link!));
    }

    [Fact]
    public async Task Five_wrong_answers_lock_the_link_for_good()
    {
        var (grain, hash, _) = await CreateAsync(TimeSpan.FromDays(14));
        for (var i = 1; i < PortalRules.MaxFailedChecks; i++)
        {
            Assert.Equal((PortalLinkStatus.Active, i), ((await grain.AnswerAsync(hash, right: false)).Status, (await grain.OpenAsync(hash)).Link!.FailedChecks));
        }

        Assert.Equal(PortalLinkStatus.Locked, (await grain.AnswerAsync(hash, right: false)).Status);
        Assert.Equal(PortalLinkStatus.Locked, (await grain.AnswerAsync(hash, right: true)).Status);
        Assert.Equal((PortalLinkStatus.Locked, null), ((await grain.OpenAsync(hash)).Status, (await grain.OpenAsync(hash)).Link));
    }

    [Fact]
    public async Task A_link_stops_opening_when_business_time_passes_its_expiry()
    {
        var (grain, hash, _) = await CreateAsync(TimeSpan.FromHours(2));
        Assert.Equal(PortalLinkStatus.Active, (await grain.OpenAsync(hash)).Status);

        await fixture.AdvanceAsync(TimeSpan.FromHours(3), TimeSpan.FromHours(1));

        var expired = await grain.OpenAsync(hash);
        Assert.Equal((PortalLinkStatus.Expired, null), (expired.Status, expired.Link));
        Assert.Equal(PortalLinkStatus.Expired, (await grain.AnswerAsync(hash, right: true)).Status);
    }

    [Fact]
    public async Task Revoking_a_debtors_links_reaches_every_one_still_open_once()
    {
        var accountRef = $"A-{Guid.NewGuid():N}";
        var one = await CreateAsync(TimeSpan.FromDays(14), accountRef);
        var two = await CreateAsync(TimeSpan.FromDays(14), accountRef);
        var links = Client.GetGrain<IPortalLinksGrain>(PortalScope.For("L-portal", accountRef, null));

        Assert.Equal(new[] { one.LinkId, two.LinkId }.Order(StringComparer.Ordinal), (await links.RevokeAllAsync()).Order(StringComparer.Ordinal));
        Assert.Equal(PortalLinkStatus.Revoked, (await one.Grain.OpenAsync(one.Hash)).Status);
        Assert.Equal(PortalLinkStatus.Revoked, (await two.Grain.OpenAsync(two.Hash)).Status);
        Assert.Empty(await links.RevokeAllAsync());
        Assert.False(await one.Grain.RevokeAsync());
    }
}
