using System.Text.Json;
using Collections.Contracts;
using Collections.Domain.Portal;
using Collections.Grains.Portal;

namespace Collections.Grains.Tests;

/// <summary>
/// A strategy step with <c>portalLink</c>: its message carries a link to the debtor's page that opens, whose issue the
/// account recorded and listed for revocation — and that stays the same through the send's retries.
/// </summary>
[Collection(WebhookClusterCollection.Name)]
public sealed class PortalLinkDispatchTests(WebhookClusterFixture fixture)
{
    private const string Lender = WebhookClusterFixture.PortalLender;

    private IClusterClient Client => fixture.Cluster.Client;

    private Task<Collections.Domain.Accounts.UpsertOutcome> OpenEarlyAsync(string accountRef)
    {
        var today = DateOnly.FromDateTime(fixture.Time.GetUtcNow().UtcDateTime);
        var record = Accounts.Record(accountRef, today.AddDays(-5));
        return Client.GetGrain<IAccountGrain>(AccountKey.For(Lender, accountRef))
            .UpsertAsync(record with { Debtor = record.Debtor with { TimeZone = "Asia/Shanghai" } }, $"lender:{Lender}");
    }

    private List<WebhookListener.Received> RequestsFor(string accountRef) =>
        [.. fixture.Webhook.Requests.Where(r => r.IdempotencyKey?.StartsWith($"{Lender}/{accountRef}/", StringComparison.Ordinal) == true)];

    private async Task<List<JsonElement>> EventsAsync(string accountRef, string type) =>
        [.. (await fixture.Store.ReadEventsAsync(AccountKey.For(Lender, accountRef), 0, 500)).Select(i => JsonDocument.Parse(i).RootElement).Where(e => e.GetProperty("type").GetString() == type)];

    private static string TokenOf(JsonElement message)
    {
        var url = message.GetProperty("portalUrl").GetString()!;
        Assert.StartsWith($"{WebhookClusterFixture.PortalUrl}pay/", url, StringComparison.Ordinal);
        var token = url[$"{WebhookClusterFixture.PortalUrl}pay/".Length..];
        Assert.True(PortalTokens.IsToken(token), url);
        return token;
    }

    [Fact]
    public async Task The_message_carries_a_link_that_opens_the_debtors_page_recorded_on_the_account_by_its_id_only()
    {
        var accountRef = $"A-{Guid.NewGuid():N}";
        await OpenEarlyAsync(accountRef);

        var message = Assert.Single(RequestsFor(accountRef)).Json;
        var token = TokenOf(message);
        var url = message.GetProperty("portalUrl").GetString()!;
        Assert.DoesNotContain(accountRef, url, StringComparison.Ordinal);
        Assert.DoesNotContain("Borrower", url, StringComparison.Ordinal);
        Assert.DoesNotContain("1000", url, StringComparison.Ordinal);

        var hash = PortalTokens.Hash(token);
        var linkId = PortalTokens.IdOf(hash);
        var issued = Assert.Single(await EventsAsync(accountRef, "PortalLinkIssued"));
        Assert.Equal(("system", linkId, message.GetProperty("contactId").GetInt64()),
            (issued.GetProperty("actor").GetString(), issued.GetProperty("data").GetProperty("linkId").GetString(), issued.GetProperty("data").GetProperty("contactId").GetInt64()));
        Assert.Equal(fixture.Time.GetUtcNow().AddDays(7), issued.GetProperty("data").GetProperty("expiresAt").GetDateTimeOffset());

        // The audit trail names the link, never its token.
        var sent = Assert.Single(await EventsAsync(accountRef, "ContactSent")).GetProperty("data").GetProperty("preview").GetString()!;
        Assert.Contains($"with link {linkId} to the debtor's page", sent, StringComparison.Ordinal);
        var log = string.Join('\n', (await fixture.Store.ReadEventsAsync(AccountKey.For(Lender, accountRef), 0, 500)));
        Assert.DoesNotContain(token, log, StringComparison.Ordinal);

        // The turn's one append was stored on top of the link's: the account goes on taking commands.
        var visit = await Client.GetGrain<IAccountPortalGrain>(AccountKey.For(Lender, accountRef)).RecordPortalVisitAsync(linkId, verified: true);
        Assert.True(visit.RejectionKind is null, visit.Error);
        Assert.Single(await EventsAsync(accountRef, "PortalVisited"));

        var access = await Client.GetGrain<IPortalLinkGrain>(linkId).OpenAsync(hash);
        Assert.Equal((PortalLinkStatus.Active, accountRef, Lender), (access.Status, access.Link?.AccountRef, access.Link?.LenderId));

        // Listed for the lender's DELETE …/portal-links.
        Assert.Equal(linkId, Assert.Single(await Client.GetGrain<IPortalLinksGrain>(PortalScope.For(Lender, accountRef, null)).RevokeAllAsync()));
        Assert.Equal(PortalLinkStatus.Revoked, (await Client.GetGrain<IPortalLinkGrain>(linkId).OpenAsync(hash)).Status);
    }

    [Fact]
    public async Task A_send_retried_carries_the_same_link_and_one_sent_again_by_a_new_activation_a_new_one_both_recorded()
    {
        var accountRef = $"A-{Guid.NewGuid():N}";
        var failing = true;
        fixture.Webhook.Respond = (r, _) => Task.FromResult(failing && r.IdempotencyKey!.Contains(accountRef, StringComparison.Ordinal) ? 503 : 200);
        try
        {
            await OpenEarlyAsync(accountRef);

            // One round: the webhook's retries, all refused for now; the contact stays in the outbox.
            var first = RequestsFor(accountRef);
            Assert.True(first.Count > 1, "the send was retried");
            Assert.Single(first.Select(r => r.Json.GetProperty("portalUrl").GetString()).Distinct());
            Assert.Empty(await EventsAsync(accountRef, "ContactSent"));

            // The activation goes (as with a lost silo): only it knew the token. The next one sends with a new link.
            failing = false;
            await Task.Delay(TimeSpan.FromSeconds(1.5));
            await Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.FromSeconds(1));
            Assert.NotNull(await Client.GetGrain<IAccountGrain>(AccountKey.For(Lender, accountRef)).GetViewAsync());
            var deadline = Environment.TickCount64 + 20_000;
            while ((await EventsAsync(accountRef, "ContactSent")).Count == 0)
            {
                Assert.True(Environment.TickCount64 < deadline, "the contact was sent by the new activation");
                await Task.Delay(50);
            }
        }
        finally
        {
            fixture.Webhook.Respond = (_, _) => Task.FromResult(200);
        }

        var requests = RequestsFor(accountRef);
        Assert.Single(requests.Select(r => r.IdempotencyKey).Distinct());
        var tokens = requests.Select(r => TokenOf(r.Json)).Distinct().ToList();
        Assert.Equal(2, tokens.Count);

        // Both links are on record with the contact, and both are listed: the lender can revoke whichever reached the debtor.
        var issued = await EventsAsync(accountRef, "PortalLinkIssued");
        var contactId = requests[0].Json.GetProperty("contactId").GetInt64();
        Assert.Equal(tokens.Select(t => PortalTokens.IdOf(PortalTokens.Hash(t))), issued.Select(e => e.GetProperty("data").GetProperty("linkId").GetString()));
        Assert.All(issued, e => Assert.Equal(contactId, e.GetProperty("data").GetProperty("contactId").GetInt64()));
        Assert.Equal(2, (await Client.GetGrain<IPortalLinksGrain>(PortalScope.For(Lender, accountRef, null)).RevokeAllAsync()).Length);
    }
}
