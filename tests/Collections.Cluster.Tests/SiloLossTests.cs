using System.Collections.Concurrent;
using System.Diagnostics;
using Collections.Cluster.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Collections.Cluster.Tests;

/// <summary>
/// Three silo processes on a real Redis, or on Azurite; accounts imported through the HTTP API of all three
/// while an accelerated clock makes accounts escalate; one silo is killed with -9 a third of the way in.
/// The same acceptance on both stores; the Azure case is smaller because Azurite (one Node.js process)
/// onboards about a tenth as many accounts per second here.
/// </summary>
public sealed class SiloLossTests(ITestOutputHelper output)
{
    /// <summary>A business day per ten real seconds: stage thresholds are crossed all through the test.</summary>
    private const double Speed = 8640;

    private const int Probes = 150;

    [Theory]
    [InlineData(ClusterStore.Redis, 20_000, 500)]
    [InlineData(ClusterStore.AzureStorage, 2_000, 100)]
    public async Task Killing_a_silo_mid_import_loses_no_acknowledged_account_and_its_accounts_keep_escalating_on_the_survivors(
        ClusterStore store, int accountCount, int batchSize)
    {
        var total = Stopwatch.StartNew();
        await using var cluster = await LocalCluster.StartAsync(3, Speed, output, store);
        var victim = cluster.Silos[2];
        List<HostProcess> survivors = [cluster.Silos[0], cluster.Silos[1]];
        var today = DateOnly.FromDateTime((await LocalCluster.BusinessNowAsync(victim)).UtcDateTime);
        await Accounts.PutStageOnlyStrategyAsync(survivors[0]);
        var allRefs = Enumerable.Range(0, accountCount).Select(Accounts.Ref).ToList();

        // 1. Import in batches from three senders, one per silo; kill -9 the third silo a third of the way in.
        var batches = new ConcurrentQueue<int[]>(Enumerable.Range(0, accountCount).Chunk(batchSize));
        var killAfter = batches.Count / 3;
        var acknowledged = new ConcurrentDictionary<string, bool>();
        long answeredBatches = 0, lostBatches = 0, rejectedLines = 0;
        var killed = new TaskCompletionSource<(Stopwatch Since, DateTimeOffset BusinessAt)>(TaskCreationOptions.RunContinuationsAsynchronously);
        Task<(TimeSpan Dead, TimeSpan Served)>? recovery = null;
        var import = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 3).Select(async sender =>
        {
            var target = cluster.Silos[sender];
            while (batches.TryDequeue(out var batch))
            {
                if (target == victim && killed.Task.IsCompleted)
                {
                    target = survivors[sender % 2];
                }

                var result = await Accounts.TryImportAsync(target.Http, Accounts.Body(batch, today));
                if (result is null)
                {
                    // No answer (the silo died mid-request): nothing in this batch counts as acknowledged.
                    Interlocked.Increment(ref lostBatches);
                    continue;
                }

                var rejected = result.Errors.Select(e => e.AccountRef).ToHashSet();
                foreach (var accountRef in batch.Select(Accounts.Ref).Where(r => !rejected.Contains(r)))
                {
                    acknowledged[accountRef] = true;
                }

                Interlocked.Add(ref rejectedLines, result.Rejected);
                if (Interlocked.Increment(ref answeredBatches) == killAfter)
                {
                    var at = await LocalCluster.BusinessNowAsync(survivors[0]);
                    var probe = acknowledged.Keys.Take(Probes).ToList();
                    victim.Kill();
                    var since = Stopwatch.StartNew();
                    killed.SetResult((since, at));
                    recovery = MeasureRecoveryAsync(cluster, victim, survivors, probe, since);
                    output.WriteLine($"kill -9 {victim.Name} after {import.Elapsed.TotalSeconds:F1} s, {acknowledged.Count} accounts acknowledged");
                }
            }
        }));
        import.Stop();
        var (_, killedAtBusiness) = await killed.Task;
        output.WriteLine($"Import: {accountCount} lines in {import.Elapsed.TotalSeconds:F1} s ({accountCount / import.Elapsed.TotalSeconds:F0} lines/s); " +
            $"{acknowledged.Count} acknowledged, {rejectedLines} rejected for a retry, {lostBatches} batch(es) without an answer");
        Assert.True(acknowledged.Count >= accountCount / 2, $"Only {acknowledged.Count} accounts were acknowledged.");

        // 2. The survivors declare the victim dead (it never said goodbye) and serve its accounts again.
        var (dead, served) = await recovery!;
        output.WriteLine($"Recovery after kill -9: declared Dead after {dead.TotalSeconds:F1} s; " +
            $"all {Probes} probed accounts (a third of them lived on the killed silo) answer through the survivors after {served.TotalSeconds:F1} s");

        // 3. Re-sending the whole import changes nothing already applied; it creates only what was never acknowledged.
        var before = await EventLogs.ReadAsync(cluster, allRefs);
        var existingBefore = before.Where(l => l.Value is not null).Select(l => l.Key).ToHashSet();
        Assert.Subset(existingBefore, acknowledged.Keys.ToHashSet());
        var resend = await Accounts.ImportUntilAppliedAsync(survivors, Enumerable.Range(0, accountCount), today);
        output.WriteLine($"Re-sent import: created {resend.Created}, updated {resend.Updated}, unchanged {resend.Unchanged}, rejected then retried {resend.Rejected}");
        Assert.Equal(0, resend.Updated);
        Assert.Equal(existingBefore.Count, resend.Unchanged);
        Assert.Equal(accountCount - existingBefore.Count, resend.Created);

        // 4. Every account's audit trail is complete, gap-free and without a duplicated event; the snapshot agrees.
        var logs = await EventLogs.ReadAsync(cluster, allRefs);
        var missing = allRefs.Where(r => logs[r] is null).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} accounts missing after the re-send, e.g. {string.Join(", ", missing.Take(5))}");
        var problems = logs.Values.SelectMany(log => log!.Problems()).ToList();
        Assert.True(problems.Count == 0, $"{problems.Count} problems in the event logs, e.g.:\n{string.Join("\n", problems.Take(10))}");
        foreach (var accountRef in existingBefore)
        {
            // Nothing acknowledged before was rewritten: the old log is a prefix of the new one.
            var old = before[accountRef]!.Events;
            var now = logs[accountRef]!.Events;
            Assert.True(now.Count >= old.Count && old.Select(e => e.GetRawText()).SequenceEqual(now.Take(old.Count).Select(e => e.GetRawText())),
                $"{accountRef}: the log changed below its old length");
        }

        // 5. Escalation goes on for every account, including the third that lived on the killed silo: once
        //    business time has moved on, no account is behind its next wake by more than a business day,
        //    and stage entries keep being recorded after the kill.
        await Eventually.Async(async () => await LocalCluster.BusinessNowAsync(survivors[0]) > killedAtBusiness.AddDays(4), TimeSpan.FromSeconds(60), "four business days pass after the kill");
        var checkedAt = await LocalCluster.BusinessNowAsync(survivors[0]);
        var views = await Views.ReadAsync(survivors, allRefs);
        var overdue = views.Where(v => v.Value is { } view && view.GetProperty("nextWakeAt").ValueKind != System.Text.Json.JsonValueKind.Null
                && view.GetProperty("nextWakeAt").GetDateTimeOffset() < checkedAt.AddDays(-1))
            .Select(v => $"{v.Key} (next wake {v.Value!.Value.GetProperty("nextWakeAt").GetDateTimeOffset():O}, stage {v.Value!.Value.GetProperty("stage")})")
            .ToList();
        Assert.True(overdue.Count == 0, $"{overdue.Count} accounts stopped escalating (business now {checkedAt:O}), e.g.:\n{string.Join("\n", overdue.Take(10))}");
        var logsAfter = await EventLogs.ReadAsync(cluster, allRefs);
        var escalatedAfterKill = logsAfter.Values.Count(log => log!.Events.Any(e =>
            e.GetProperty("type").GetString() == "StageEntered" && e.GetProperty("at").GetDateTimeOffset() > killedAtBusiness.AddDays(1)));
        output.WriteLine($"{escalatedAfterKill} accounts entered a stage more than a business day after the kill; none overdue at {checkedAt:O}");
        Assert.True(escalatedAfterKill > accountCount / 4, $"Only {escalatedAfterKill} accounts escalated after the kill.");

        // 6. SIGTERM: the survivors leave the cluster cleanly (exit 0, marked Dead by themselves).
        var stop = Stopwatch.StartNew();
        survivors.ForEach(s => s.Terminate());
        foreach (var survivor in survivors)
        {
            Assert.True(await survivor.WaitForExitAsync(TimeSpan.FromSeconds(40)), $"{survivor.Name} still running 40 s after SIGTERM:\n{survivor.Tail()}");
            Assert.Equal(0, survivor.ExitCode);
            Assert.Equal(6, await cluster.StatusOfAsync(survivor));
        }

        output.WriteLine($"Both survivors stopped on SIGTERM in {stop.Elapsed.TotalSeconds:F1} s and are Dead in the membership table; whole test {total.Elapsed.TotalSeconds:F0} s");
    }

    /// <summary>
    /// How long after the kill the victim's membership row says Dead, and how long until every probed
    /// account (acknowledged before the kill, so spread over all three silos) answers 200 again.
    /// </summary>
    private static async Task<(TimeSpan Dead, TimeSpan Served)> MeasureRecoveryAsync(
        LocalCluster cluster, HostProcess victim, List<HostProcess> survivors, List<string> probe, Stopwatch since)
    {
        TimeSpan? dead = null, served = null;
        while (dead is null || served is null)
        {
            Assert.True(since.Elapsed < TimeSpan.FromSeconds(120), $"No recovery 120 s after kill -9 (dead: {dead}, served: {served}).");
            if (dead is null && await cluster.StatusOfAsync(victim) == 6)
            {
                dead = since.Elapsed;
            }

            if (served is null && await AllAnswerAsync(survivors, probe))
            {
                served = since.Elapsed;
            }

            await Task.Delay(250);
        }

        return (dead.Value, served.Value);
    }

    private static async Task<bool> AllAnswerAsync(List<HostProcess> survivors, List<string> accountRefs)
    {
        var answers = await Task.WhenAll(accountRefs.Select(async (accountRef, i) =>
        {
            using var response = await survivors[i % survivors.Count].Http.GetAsync($"/api/v1/lenders/{Accounts.Lender}/accounts/{accountRef}");
            return response.IsSuccessStatusCode;
        }));
        return answers.All(ok => ok);
    }
}
