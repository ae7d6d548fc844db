using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Collections.Cluster.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Collections.Cluster.Tests;

/// <summary>
/// Two silos and an API-only process on a real Redis, which crashes (kill -9) and is started again on the
/// same data: what was acknowledged is there afterwards, requests during the outage fail fast with a
/// 503 problem, and every process reconnects on its own.
/// </summary>
public sealed class RedisRestartTests(ITestOutputHelper output)
{
    private const int AccountCount = 3_000;
    private const double Speed = 8640;

    [Fact]
    public async Task A_Redis_crash_and_restart_keeps_acknowledged_writes_answers_503_meanwhile_and_the_cluster_reconnects_by_itself()
    {
        var total = Stopwatch.StartNew();
        // A wake tick missed while the machine is busy is retried after Wake:RetryPeriod of real time: at
        // this speed the default minute is six business days, the 5 s minimum half of one, inside what the
        // end of this test allows an account to be late.
        await using var cluster = await LocalCluster.StartAsync(2, Speed, output, "--Collections:Wake:RetryPeriod=00:00:05");
        var api = cluster.StartApi("api");
        await api.WaitReadyAsync(TimeSpan.FromSeconds(60));
        List<HostProcess> all = [.. cluster.Silos, api];
        var today = DateOnly.FromDateTime((await LocalCluster.BusinessNowAsync(api)).UtcDateTime);
        var allRefs = Enumerable.Range(0, AccountCount).Select(Accounts.Ref).ToList();

        // Acknowledged writes of every kind: accounts and their events (event store), reminders, a strategy
        // version and an API key (Orleans grain storage). Accounts go through the API tier (an Orleans client).
        await Accounts.PutStageOnlyStrategyAsync(api, "before-the-crash");
        var imported = await Accounts.ImportUntilAppliedAsync([api], Enumerable.Range(0, AccountCount), today, chunkSize: 1000);
        Assert.Equal(AccountCount, imported.Created);

        var lenderKey = await CreateLenderKeyAsync(cluster.Silos[0]);
        await using var redis = await cluster.Redis.ConnectAsync();
        var before = await EventLogs.ReadAsync(redis, allRefs);
        var reminders = await redis.GetDatabase().SortedSetLengthAsync($"{LocalCluster.ServiceId}/reminders");
        Assert.Equal(AccountCount, reminders);

        // Crash.
        await cluster.Redis.KillAsync();
        var outage = Stopwatch.StartNew();

        // During the outage: a clear 503 problem, quickly, for anything that needs storage.
        var newAccount = JsonContent.Create(new { currency = "CNY", principal = 100, dueDate = today.AddDays(-3), borrowerName = "New Borrower" });
        await AssertUnavailableAsync(cluster.Silos[0], c => c.PutAsync($"/api/v1/lenders/{Accounts.Lender}/accounts/NEW-1", newAccount), "a new account through a silo");
        await AssertUnavailableAsync(api, c => c.PutAsync($"/api/v1/lenders/{Accounts.Lender}/accounts/NEW-2", newAccount), "a new account through the API tier");
        await AssertUnavailableAsync(cluster.Silos[1], c => c.GetAsync($"/api/v1/lenders/{Accounts.Lender}/accounts/NOT-LOADED-YET"), "an account that must be read from storage");
        await AssertUnavailableAsync(cluster.Silos[1], c => c.PutAsync($"/api/v1/lenders/{Accounts.Lender}/strategy", JsonContent.Create(new { name = "during" })), "a strategy version");
        foreach (var process in all)
        {
            var clock = Stopwatch.StartNew();
            Assert.False(await process.IsReadyAsync(), $"{process.Name} reported ready while Redis was down.");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(6), $"{process.Name}'s readiness took {clock.Elapsed.TotalSeconds:F1} s to say no.");
        }

        // Restart the same Redis (same port, same append-only file) and wait for every process to be ready again.
        await Task.Delay(TimeSpan.FromSeconds(2));
        await cluster.Redis.StartProcessAsync();
        var down = outage.Elapsed;
        var restarted = Stopwatch.StartNew();
        await Task.WhenAll(all.Select(p => Eventually.Async(p.IsReadyAsync, TimeSpan.FromSeconds(60), $"{p.Name} is ready again")));
        output.WriteLine($"Redis was down {down.TotalSeconds:F1} s; every process was ready again {restarted.Elapsed.TotalSeconds:F1} s after it came back, without any action");
        var backAt = await LocalCluster.BusinessNowAsync(api);

        // Everything acknowledged is there.
        await using var again = await cluster.Redis.ConnectAsync();
        var after = await EventLogs.ReadAsync(again, allRefs);
        foreach (var accountRef in allRefs)
        {
            var old = before[accountRef]!.Events.Select(e => e.GetRawText()).ToList();
            var now = after[accountRef]!;
            Assert.Empty(now.Problems());
            Assert.True(old.SequenceEqual(now.Events.Take(old.Count).Select(e => e.GetRawText())), $"{accountRef}: acknowledged events lost or changed");
        }

        Assert.Equal(AccountCount, await again.GetDatabase().SortedSetLengthAsync($"{LocalCluster.ServiceId}/reminders"));
        var current = await api.Http.GetFromJsonAsync<JsonElement>($"/api/v1/lenders/{Accounts.Lender}/strategy");
        Assert.Equal("before-the-crash", current.GetProperty("name").GetString());
        using (var withLenderKey = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/lenders/{Accounts.Lender}/accounts/{Accounts.Ref(7)}"))
        {
            withLenderKey.Headers.Add("X-Api-Key", lenderKey);
            using var response = await new HttpClient { BaseAddress = cluster.Silos[1].Http.BaseAddress }.SendAsync(withLenderKey);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // Writes work again, and re-sending the import changes nothing.
        using (var created = await cluster.Silos[0].Http.PutAsync($"/api/v1/lenders/{Accounts.Lender}/accounts/NEW-1", newAccount))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var resent = await Accounts.ImportUntilAppliedAsync(all, Enumerable.Range(0, AccountCount), today, chunkSize: 1000);
        Assert.Equal((0, 0, AccountCount), (resent.Created, resent.Updated, resent.Unchanged));
        output.WriteLine($"Re-sent import after the restart: unchanged {resent.Unchanged}, retried {resent.Rejected}");

        // Wake reminders tick again: accounts keep entering stages after the restart, none is left behind.
        await Eventually.Async(async () => await LocalCluster.BusinessNowAsync(api) > backAt.AddDays(2), TimeSpan.FromSeconds(60), "two business days pass after the restart");
        var checkedAt = await LocalCluster.BusinessNowAsync(api);
        var views = await Views.ReadAsync(all, allRefs);
        Assert.All(views, v => Assert.True(
            v.Value!.Value.GetProperty("nextWakeAt").ValueKind == JsonValueKind.Null || v.Value!.Value.GetProperty("nextWakeAt").GetDateTimeOffset() > checkedAt.AddDays(-1),
            $"{v.Key} stopped escalating: next wake {v.Value!.Value.GetProperty("nextWakeAt")} at business {checkedAt:O}"));
        var escalated = (await EventLogs.ReadAsync(again, allRefs)).Values.Count(log => log!.Events.Any(e =>
            e.GetProperty("type").GetString() == "StageEntered" && e.GetProperty("at").GetDateTimeOffset() > backAt));
        Assert.True(escalated > 0, "No account entered a stage after the restart.");
        output.WriteLine($"{escalated} accounts entered a stage after the restart; whole test {total.Elapsed.TotalSeconds:F0} s");
    }

    private async Task AssertUnavailableAsync(HostProcess process, Func<HttpClient, Task<HttpResponseMessage>> request, string what)
    {
        var clock = Stopwatch.StartNew();
        using var response = await request(process.Http);
        var elapsed = clock.Elapsed;
        var body = await response.Content.ReadAsStringAsync();
        output.WriteLine($"During the outage, {what}: {(int)response.StatusCode} in {elapsed.TotalMilliseconds:F0} ms");
        Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{what}: {(int)response.StatusCode} {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Service unavailable", JsonDocument.Parse(body).RootElement.GetProperty("title").GetString());
        Assert.True(response.Headers.RetryAfter is not null, "A 503 should say when to retry.");
        Assert.True(elapsed < TimeSpan.FromSeconds(5), $"{what} took {elapsed.TotalSeconds:F1} s to fail (a hang would take the 5 s Redis timeout or the 30 s Orleans response timeout).");
    }

    private static async Task<string> CreateLenderKeyAsync(HostProcess through)
    {
        using var response = await through.Http.PostAsJsonAsync("/api/v1/admin/api-keys", new { role = "lender", lenderId = Accounts.Lender });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
    }
}
