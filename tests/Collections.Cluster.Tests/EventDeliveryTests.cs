using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Collections.Cluster.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Collections.Cluster.Tests;

/// <summary>
/// Events out across a kill -9: three silo processes on a real Redis, the lender's webhook on a receiver in
/// the test process, accounts imported from three senders and escalating on an accelerated clock; one silo
/// dies mid-stream. Whatever the accounts' logs hold must reach the webhook and the pull feed.
/// </summary>
public sealed class EventDeliveryTests(ITestOutputHelper output)
{
    private const int AccountCount = 600;
    private const int BatchSize = 25;

    /// <summary>A business day per ten real seconds: with stages a day apart, every account keeps escalating.</summary>
    private const double Speed = 8640;

    private static readonly string[] LenderEventTypes =
        ["StageEntered", "AccountPlaced", "PlacementRecalled", "PromiseBroken", "PlanBroken", "AccountClosed", "ContactViolation", "SegmentChanged"];

    [Fact]
    public async Task Every_committed_event_reaches_the_webhook_and_the_feed_across_a_kill_minus_9_in_order_per_account_with_unique_ids()
    {
        var total = Stopwatch.StartNew();
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var cluster = await LocalCluster.StartAsync(
            3,
            Speed,
            output,
            "--Collections:Events:AllowPrivateNetworks=true",
            "--Collections:Events:PollInterval=00:00:00.5",
            "--Collections:Events:RetryDelay=00:00:01",
            "--Collections:Events:MaxRetryDelay=00:00:05",
            "--Collections:Wake:RetryPeriod=00:00:05");
        var victim = cluster.Silos[2];
        List<HostProcess> survivors = [cluster.Silos[0], cluster.Silos[1]];
        var today = DateOnly.FromDateTime((await LocalCluster.BusinessNowAsync(victim)).UtcDateTime);
        await PutDailyStagesStrategyAsync(survivors[0]);
        var subscribed = await survivors[0].Http.PutAsJsonAsync(
            $"/api/v1/lenders/{Accounts.Lender}/webhook", new { url = receiver.Url.ToString(), secret = "a-secret-of-the-test-receiver", events = LenderEventTypes });
        Assert.True(subscribed.IsSuccessStatusCode, $"PUT webhook: {(int)subscribed.StatusCode} {await subscribed.Content.ReadAsStringAsync()}");

        // 1. Import from three senders, one per silo; kill -9 the third silo a third of the way in. A batch
        //    without an answer is sent again at the end: re-sending changes nothing already applied.
        var batches = new ConcurrentQueue<int[]>(Enumerable.Range(0, AccountCount).Chunk(BatchSize));
        var killAfter = batches.Count / 3;
        long answered = 0;
        var killed = false;
        await Task.WhenAll(Enumerable.Range(0, 3).Select(async sender =>
        {
            while (batches.TryDequeue(out var batch))
            {
                var target = Volatile.Read(ref killed) && cluster.Silos[sender] == victim ? survivors[sender % 2] : cluster.Silos[sender];
                await Accounts.TryImportAsync(target.Http, Body(batch, today));
                if (Interlocked.Increment(ref answered) == killAfter)
                {
                    victim.Kill();
                    Volatile.Write(ref killed, true);
                    output.WriteLine($"kill -9 {victim.Name} after {answered} of {AccountCount / BatchSize} batches");
                }
            }
        }));
        await ImportUntilAppliedAsync(survivors, today);

        // 2. Commands on every tenth account through the survivors, a third of which lived on the dead silo.
        var closed = Enumerable.Range(0, AccountCount).Where(i => i % 10 == 0).Select(Accounts.Ref).ToList();
        await Parallel.ForEachAsync(closed.Select((accountRef, i) => (accountRef, i)), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (close, _) =>
            await Eventually.Async(
                async () => await CloseAsync(survivors[close.i % 2], close.accountRef),
                TimeSpan.FromSeconds(60),
                $"{close.accountRef} is closed through the survivors"));
        var streamed = total.Elapsed;

        // 3. The cut: every event of the published types the accounts' logs hold now must reach the receiver and the feed.
        await using var redis = await cluster.Redis.ConnectAsync();
        var logs = await EventLogs.ReadAsync(redis, Enumerable.Range(0, AccountCount).Select(Accounts.Ref));
        var committed = logs.Values.SelectMany(log => log!.Events
                .Where(e => LenderEventTypes.Contains(e.GetProperty("type").GetString()))
                .Select(e => $"{Accounts.Lender}/{log.AccountRef}:{e.GetProperty("seq").GetInt64()}"))
            .ToHashSet(StringComparer.Ordinal);
        Assert.Contains(logs.Values, log => log!.Events.Any(e => e.GetProperty("type").GetString() == "AccountClosed"));
        output.WriteLine($"Stream done after {streamed.TotalSeconds:F1} s: {committed.Count} events of the lender's types committed at the cut");

        var waited = Stopwatch.StartNew();
        await receiver.WaitUntilAsync(
            received => committed.IsSubsetOf(received.Select(r => r.Id)),
            "every committed event reached the webhook",
            TimeSpan.FromSeconds(150));
        output.WriteLine($"Webhook: all {committed.Count} committed events delivered {waited.Elapsed.TotalSeconds:F1} s after the cut; {receiver.Received.Count} POSTs in all");
        AssertDeliveredOncePerIdInOrderPerAccount(receiver.Received.Select(r => r.Event).ToList(), "webhook");

        var feed = await ReadFeedAsync(survivors[0]);
        Assert.Subset(feed.Select(Id).ToHashSet(StringComparer.Ordinal), committed);
        Assert.Equal(feed.Count, feed.Select(Id).Distinct(StringComparer.Ordinal).Count());
        AssertDeliveredOncePerIdInOrderPerAccount(feed, "feed");
        output.WriteLine($"Feed: {feed.Count} items, each event once, in commit order per account; whole test {total.Elapsed.TotalSeconds:F0} s");
    }

    /// <summary>
    /// At least once and in order: repeats of an id carry the same event, and per account the first
    /// delivery of each event comes in sequence order.
    /// </summary>
    private static void AssertDeliveredOncePerIdInOrderPerAccount(IReadOnlyList<JsonElement> delivered, string where)
    {
        foreach (var repeats in delivered.GroupBy(Id, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            Assert.True(repeats.Select(e => e.GetRawText()).Distinct().Count() == 1, $"{where}: id {repeats.Key} names different events");
        }

        var outOfOrder = delivered.DistinctBy(Id, StringComparer.Ordinal)
            .GroupBy(e => e.GetProperty("accountRef").GetString(), StringComparer.Ordinal)
            .Where(account => !account.Select(Seq).Order().SequenceEqual(account.Select(Seq)))
            .Select(account => $"{account.Key}: {string.Join(",", account.Select(Seq))}")
            .ToList();
        Assert.True(outOfOrder.Count == 0, $"{where}: {outOfOrder.Count} accounts' events out of order, e.g. {string.Join("; ", outOfOrder.Take(5))}");
    }

    private static string Id(JsonElement item) => item.GetProperty("id").GetString()!;

    private static long Seq(JsonElement item) => long.Parse(Id(item).AsSpan(Id(item).LastIndexOf(':') + 1), CultureInfo.InvariantCulture);

    /// <summary>Stages a business day apart (no planned contacts): every account enters a stage every ten seconds until ChargedOff.</summary>
    private static async Task PutDailyStagesStrategyAsync(HostProcess through)
    {
        using var response = await through.Http.PutAsJsonAsync($"/api/v1/lenders/{Accounts.Lender}/strategy", new
        {
            name = "daily-stages",
            stages = new Dictionary<string, int> { ["Notice"] = 1, ["Early"] = 2, ["Mid"] = 3, ["Legal"] = 4, ["ChargedOff"] = 5 },
            contactPlan = Array.Empty<object>(),
        });
        Assert.True(response.IsSuccessStatusCode, $"PUT strategy: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Due today or one or two days ago: each account still has stages to enter while the test runs.</summary>
    private static string Body(IEnumerable<int> accounts, DateOnly today) =>
        string.Join('\n', accounts.Select(i => Accounts.Line(i, today, spreadDays: 3))) + "\n";

    private static async Task ImportUntilAppliedAsync(List<HostProcess> through, DateOnly today)
    {
        var pending = Enumerable.Range(0, AccountCount).ToList();
        var round = 0;
        await Eventually.Async(
            async () =>
            {
                var result = await Accounts.TryImportAsync(through[round++ % through.Count].Http, Body(pending, today));
                if (result is not null)
                {
                    var rejected = result.Errors.Select(e => e.AccountRef).ToHashSet();
                    pending = [.. pending.Where(i => rejected.Contains(Accounts.Ref(i)))];
                }

                return pending.Count == 0;
            },
            TimeSpan.FromSeconds(60),
            "every account is imported through the survivors");
    }

    private static async Task<bool> CloseAsync(HostProcess through, string accountRef)
    {
        try
        {
            using var response = await through.Http.PostAsJsonAsync($"/api/v1/lenders/{Accounts.Lender}/accounts/{accountRef}/close", new { reason = "Recalled" });
            return response.IsSuccessStatusCode || response.StatusCode == System.Net.HttpStatusCode.Conflict;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    /// <summary>The lender's whole pull feed, page by page.</summary>
    private static async Task<List<JsonElement>> ReadFeedAsync(HostProcess through)
    {
        var items = new List<JsonElement>();
        string? after = null;
        while (true)
        {
            var page = await through.Http.GetFromJsonAsync<JsonElement>($"/api/v1/lenders/{Accounts.Lender}/feed?limit=1000{(after is null ? "" : $"&after={after}")}");
            var batch = page.GetProperty("items").EnumerateArray().ToList();
            if (batch.Count == 0)
            {
                return items;
            }

            items.AddRange(batch);
            after = page.GetProperty("next").GetString();
        }
    }
}
