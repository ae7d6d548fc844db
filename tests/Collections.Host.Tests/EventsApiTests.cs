using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Collections.Grains.Contacts;
using static Collections.Host.Tests.Http;

namespace Collections.Host.Tests;

/// <summary>A Development host whose deliverers poll and retry within a fraction of a second.</summary>
public sealed class EventsHost : IAsyncLifetime
{
    public HostFixture Host { get; } = HostFixture.With("Development", new Dictionary<string, string?>
    {
        ["Collections:Events:PollInterval"] = "00:00:00.100",
        ["Collections:Events:RetryDelay"] = "00:00:00.100",
        ["Collections:Events:MaxRetryDelay"] = "00:00:00.400",
        ["Collections:Events:BreakDuration"] = "00:00:00.500",
    });

    public Task InitializeAsync() => Host.InitializeAsync();

    public Task DisposeAsync() => Host.DisposeAsync();
}

public sealed class EventsApiTests(EventsHost events) : IClassFixture<EventsHost>
{
    private const string Secret = "whsec-0123456789abcdef";

    private HostFixture Host => events.Host;

    [Fact]
    public async Task A_lender_webhook_gets_each_subscribed_event_once_in_order_per_account_and_signed_and_the_feed_holds_the_same()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var lender = NewId("L");
        var subscribed = await Host.Admin.PutAsync($"/api/v1/lenders/{lender}/webhook",
            Json($$"""{"url":"{{receiver.Url}}","secret":"{{Secret}}","events":["StageEntered","AccountClosed"]}"""));
        Assert.Equal(HttpStatusCode.OK, subscribed.StatusCode);
        Assert.False((await subscribed.Content.ReadAsStringAsync()).Contains(Secret, StringComparison.Ordinal));

        var refs = Enumerable.Range(0, 4).Select(_ => NewId("A")).ToList();
        foreach (var accountRef in refs)
        {
            await PutAccountAsync(lender, accountRef, daysPastDue: 20);
            Assert.Equal(HttpStatusCode.OK, (await Host.Admin.PostAsJsonAsync($"/api/v1/lenders/{lender}/accounts/{accountRef}/close", new { reason = "Sold" })).StatusCode);
        }

        var expected = await LoggedAsync(lender, refs, "StageEntered", "AccountClosed");
        Assert.True(expected.Count >= refs.Count * 2, "each account entered a stage and closed");
        await receiver.WaitUntilAsync(r => expected.All(id => r.Any(e => e.Id == id)), "every subscribed event is delivered");

        var received = receiver.Received;
        Assert.Equal(expected.Order(StringComparer.Ordinal), received.Select(e => e.Id).Distinct().Order(StringComparer.Ordinal));
        Assert.All(received, e => Assert.True(e.Type is "StageEntered" or "AccountClosed", $"{e.Type} was not subscribed to"));
        Assert.All(received, e => Assert.True(WebhookSignature.Verify(Secret, e.Timestamp, e.Signature, e.Body), "the signature verifies with the lender's secret"));
        Assert.All(received, e => Assert.Equal(lender, e.Event.GetProperty("lenderId").GetString()));
        foreach (var account in received.GroupBy(e => e.AccountRef))
        {
            var seqs = account.Select(e => Seq(e.Id)).Distinct().ToList();
            Assert.Equal(seqs.Order(), seqs);
        }

        // The pull feed: the same events (and the types the lender did not subscribe to), paged by cursor, in order per account.
        var pulled = new List<JsonElement>();
        string? after = null;
        while (true)
        {
            var page = await (await Host.Admin.GetAsync($"/api/v1/lenders/{lender}/feed?limit=3{(after is null ? "" : $"&after={after}")}")).JsonAsync();
            var items = page.GetProperty("items").EnumerateArray().ToList();
            if (items.Count == 0)
            {
                Assert.Equal(after, page.GetProperty("next").GetString());
                break;
            }

            pulled.AddRange(items);
            after = page.GetProperty("next").GetString();
        }

        var pulledIds = pulled.Select(i => i.GetProperty("id").GetString()!).ToList();
        Assert.Equal(pulledIds.Count, pulledIds.Distinct().Count());
        Assert.Subset(pulledIds.ToHashSet(), expected.ToHashSet());
        foreach (var account in pulled.GroupBy(i => i.GetProperty("accountRef").GetString()))
        {
            var seqs = account.Select(i => Seq(i.GetProperty("id").GetString()!)).ToList();
            Assert.Equal(seqs.Order(), seqs);
        }

        var delivered = await (await Host.Admin.GetAsync($"/api/v1/lenders/{lender}/webhook/deliveries?status=delivered")).JsonAsync();
        Assert.Equal(expected.Count, delivered.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task A_receiver_that_was_down_gets_the_backlog_afterwards_and_the_failed_deliveries_show_their_attempts()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Down = true;
        var lender = NewId("L");
        Assert.Equal(HttpStatusCode.OK, (await Host.Admin.PutAsync($"/api/v1/lenders/{lender}/webhook",
            Json($$"""{"url":"{{receiver.Url}}","secret":"{{Secret}}","events":["StageEntered"]}"""))).StatusCode);
        var refs = Enumerable.Range(0, 3).Select(_ => NewId("A")).ToList();
        foreach (var accountRef in refs)
        {
            await PutAccountAsync(lender, accountRef, daysPastDue: 20);
        }

        await receiver.WaitUntilAsync(r => r.Count(e => e.Answered == 503) >= 3, "the receiver refused several attempts");
        var failed = (await (await Host.Admin.GetAsync($"/api/v1/lenders/{lender}/webhook/deliveries?status=failed")).JsonAsync()).GetProperty("items");
        var first = Assert.Single(failed.EnumerateArray());
        Assert.True(first.GetProperty("attempts").GetInt32() >= 2);
        Assert.Equal(503, first.GetProperty("lastStatusCode").GetInt32());

        receiver.Down = false;
        var expected = await LoggedAsync(lender, refs, "StageEntered");
        await receiver.WaitUntilAsync(r => expected.All(id => r.Any(e => e.Id == id && e.Answered == 200)), "the backlog is delivered");
        Assert.Equal(expected.Order(StringComparer.Ordinal), receiver.Received.Where(e => e.Answered == 200).Select(e => e.Id).Distinct().Order(StringComparer.Ordinal));
        Assert.Empty((await (await Host.Admin.GetAsync($"/api/v1/lenders/{lender}/webhook/deliveries?status=failed")).JsonAsync()).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task An_agency_webhook_gets_its_assignment_with_its_view_of_the_account_and_the_recall()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var lender = NewId("L");
        var agency = NewId("AG");
        Assert.Equal(HttpStatusCode.OK, (await Host.Admin.PutAsync($"/api/v1/agencies/{agency}",
            Json($$"""{"name":"Agency {{agency}}","capacity":10,"lenders":["{{lender}}"],"commissionRate":0.2}"""))).StatusCode);
        Host.ExpireAgencyCatalog();
        var (_, agencyKey) = await Host.IssueKeyAsync(new { role = "agency", agencyId = agency });
        Assert.Equal(HttpStatusCode.OK, (await Host.Client(agencyKey).PutAsync($"/api/v1/agencies/{agency}/webhook",
            Json($$"""{"url":"{{receiver.Url}}","secret":"{{Secret}}"}"""))).StatusCode);

        var accountRef = NewId("A");
        var view = await PutAccountAsync(lender, accountRef, daysPastDue: 40);
        Assert.Equal(agency, view.GetProperty("placement").GetProperty("agencyId").GetString());
        await receiver.WaitUntilAsync(r => r.Any(e => e.Type == "PlacementAssigned"), "the assignment is pushed");
        var assigned = receiver.Received.First(e => e.Type == "PlacementAssigned").Event;
        Assert.Equal(accountRef, assigned.GetProperty("accountRef").GetString());
        Assert.Equal("Test Borrower", assigned.GetProperty("data").GetProperty("borrowerName").GetString());
        Assert.Equal(agency, assigned.GetProperty("data").GetProperty("agencyId").GetString());

        Assert.Equal(HttpStatusCode.OK, (await Host.Admin.PostAsJsonAsync($"/api/v1/lenders/{lender}/accounts/{accountRef}/close", new { reason = "Recalled" })).StatusCode);
        await receiver.WaitUntilAsync(r => r.Any(e => e.Type == "PlacementRecalled"), "the recall is pushed");
        Assert.Equal(["PlacementAssigned", "PlacementRecalled"], receiver.Received.Select(e => e.Type).Distinct());
    }

    [Fact]
    public async Task A_subscription_names_what_to_fix_and_keys_of_others_see_nothing()
    {
        var lender = NewId("L");
        var problem = await (await Host.Admin.PutAsync($"/api/v1/lenders/{lender}/webhook",
            Json("""{"url":"ftp://example.com/x","secret":"short","events":["StageEntered","Nope"]}"""))).ProblemAsync(HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        Assert.Contains("Nope", errors.GetProperty("events")[0].GetString(), StringComparison.Ordinal);
        Assert.True(errors.TryGetProperty("url", out _));
        Assert.True(errors.TryGetProperty("secret", out _));
        await (await Host.Admin.GetAsync($"/api/v1/lenders/{lender}/webhook")).ProblemAsync(HttpStatusCode.NotFound);
        await (await Host.Admin.GetAsync($"/api/v1/lenders/{lender}/feed?after=abc")).ProblemAsync(HttpStatusCode.BadRequest);
        await (await Host.Admin.GetAsync($"/api/v1/lenders/{lender}/webhook/deliveries?status=lost")).ProblemAsync(HttpStatusCode.BadRequest);

        var (_, otherLender) = await Host.IssueKeyAsync(new { role = "lender", lenderId = NewId("L") });
        await (await Host.Client(otherLender).GetAsync($"/api/v1/lenders/{lender}/feed")).ProblemAsync(HttpStatusCode.NotFound);
        var (_, agencyKey) = await Host.IssueKeyAsync(new { role = "agency", agencyId = NewId("AG") });
        await (await Host.Client(agencyKey).PutAsync($"/api/v1/agencies/{NewId("AG")}/webhook",
            Json($$"""{"url":"https://example.com/x","secret":"{{Secret}}"}"""))).ProblemAsync(HttpStatusCode.NotFound);
    }

    private static long Seq(string id) => long.Parse(id[(id.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The ids of the accounts' logged events of these types: what a subscriber must get.</summary>
    private async Task<List<string>> LoggedAsync(string lender, IEnumerable<string> refs, params string[] types)
    {
        var ids = new List<string>();
        foreach (var accountRef in refs)
        {
            var page = await (await Host.Admin.GetAsync($"/api/v1/lenders/{lender}/accounts/{accountRef}/events?limit=1000")).JsonAsync();
            ids.AddRange(page.GetProperty("items").EnumerateArray()
                .Where(e => types.Contains(e.GetProperty("type").GetString()))
                .Select(e => $"{lender}/{accountRef}:{e.GetProperty("seq").GetInt64()}"));
        }

        return ids;
    }

    private async Task<JsonElement> PutAccountAsync(string lender, string accountRef, int daysPastDue)
    {
        var offset = 12 - DateTime.UtcNow.Hour;
        var zone = offset >= 0 ? $"Etc/GMT-{offset}" : $"Etc/GMT+{-offset}";
        var response = await Host.Admin.PutAsync($"/api/v1/lenders/{lender}/accounts/{accountRef}", Json(
            $$"""{"currency":"CNY","principal":1000,"dueDate":"{{Records.DueDaysAgo(daysPastDue)}}","borrowerName":"Test Borrower","phone":"+8613800138000","timezone":"{{zone}}"}"""));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.JsonAsync();
    }
}

/// <summary>Outside Development a webhook may not point into the cluster's own network.</summary>
public sealed class WebhookTargetTests(ProductionHosts hosts) : IClassFixture<ProductionHosts>
{
    [Theory]
    [InlineData("http://127.0.0.1:8080/hooks")]
    [InlineData("https://localhost/hooks")]
    [InlineData("https://[::1]/hooks")]
    [InlineData("https://10.1.2.3/hooks")]
    [InlineData("https://172.16.0.9/hooks")]
    [InlineData("https://192.168.1.20/hooks")]
    [InlineData("http://169.254.169.254/latest/meta-data")]
    [InlineData("https://[fd00::1]/hooks")]
    [InlineData("https://[::ffff:10.0.0.1]/hooks")]
    public async Task A_webhook_to_a_loopback_link_local_or_private_host_is_refused_with_400(string url)
    {
        var admin = hosts.WithoutDashboard.Client(ProductionHosts.AdminKey);
        var problem = await (await admin.PutAsync($"/api/v1/lenders/{NewId("L")}/webhook",
            Json($$"""{"url":"{{url}}","secret":"whsec-0123456789abcdef","events":["StageEntered"]}"""))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("public", problem.GetProperty("errors").GetProperty("url")[0].GetString(), StringComparison.Ordinal);
    }
}
