using System.Globalization;
using System.Net.Http.Json;
using Collections.Benchmarks.Infrastructure;
using Collections.Benchmarks.Measurement;
using Collections.Benchmarks.Reporting;
using Collections.Benchmarks.Workload;
using Collections.Contracts;
using Collections.Grains.Index;
using WebhookReceiver = Collections.Testing.WebhookReceiver;

namespace Collections.Benchmarks.Scenarios;

public sealed record FeatureVariant(string Name, string What, OnboardingResult Onboarding, long WebhookPosts, long WebhookPostsAfterDrain);

/// <summary>The account index's write alone: every summary of the base run written again into a fresh Redis, as the account grain writes it.</summary>
public sealed record IndexReplay(int Summaries, TimeSpan Elapsed, double ClientCpuSeconds, double RedisCpuSeconds);

public sealed record FeatureResult(int Accounts, IReadOnlyList<FeatureVariant> Variants, IndexReplay? Index);

/// <summary>
/// Scenario 6 (issues 13 and 15): grain-path onboarding A/B per feature in one run, each variant on a fresh
/// store and host, in the order base, debtor check, lender webhook, base again (the two bases bracket the
/// others and show the run's noise). The debtor check is on for accounts with a <c>customerId</c> (two
/// accounts per person here) and off without one; the webhook variant subscribes the lender to every
/// event type at the tests' webhook receiver in this process, which answers 200. The account index has no switch (every
/// commit files its summary), so its share is measured by writing the base run's summaries again, alone,
/// into a fresh Redis with the store the host uses.
/// </summary>
public static class FeatureOnboarding
{
    public const string LenderId = "LF";

    private static readonly string[] LenderEvents =
        ["StageEntered", "AccountPlaced", "PlacementRecalled", "PromiseBroken", "PlanBroken", "AccountClosed", "ContactViolation", "SegmentChanged"];

    public static async Task<FeatureResult> RunAsync(
        Func<string, Task<HostUnderTest>> freshHost, Func<string, Task<RedisServer>>? freshRedis, Func<string, Func<int, string>?, Portfolio> portfolio,
        int accounts, int batchSize, int parallelBatches, CancellationToken cancellationToken)
    {
        var variants = new List<FeatureVariant>();
        IndexReplay? replay = null;
        foreach (var (name, what, debtors, webhook) in new[]
        {
            ("base", "no customerId, no webhook", false, false),
            ("debtor", "customerId on every account (2 accounts per person): the debtor check", true, false),
            ("webhook", "lender webhook subscribed to every event type (receiver answers 200)", false, true),
            ("base again", "as base", false, false),
        })
        {
            Log.Step($"6. Onboarding A/B ({name}): {accounts:N0} accounts, {what}");
            await using var host = await freshHost($"features-{variants.Count}");
            await using var sink = webhook ? await WebhookReceiver.StartAsync() : null;
            if (sink is not null)
            {
                await SubscribeAsync(host, sink.Url, cancellationToken);
            }

            var onboarding = await GrainOnboarding.RunAsync(
                host, portfolio($"F{variants.Count}", debtors ? i => string.Create(CultureInfo.InvariantCulture, $"C{i / 2:D8}") : null),
                0, accounts, batchSize, parallelBatches, $"features/{name}", cancellationToken);
            var during = sink?.Received.Count ?? 0;
            var drained = sink is null ? 0 : await DrainAsync(sink, cancellationToken);
            variants.Add(new(name, what, onboarding, during, drained));
            Log.Info($"{name}: {onboarding.Rate:N0} accounts/s{(sink is null ? "" : $", webhook posts received {during:N0} during onboarding, {drained:N0} after")}");
            if (replay is null && freshRedis is not null)
            {
                replay = await ReplayIndexAsync(host, freshRedis, batchSize * parallelBatches, cancellationToken);
            }
        }

        return new FeatureResult(accounts, variants, replay);
    }

    /// <summary>Waits (at most 30 s) until the receiver has had no post for 5 s; the posts received by then.</summary>
    private static async Task<long> DrainAsync(WebhookReceiver sink, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        var (seen, quietSince) = (sink.Received.Count, DateTime.UtcNow);
        while (DateTime.UtcNow < deadline && DateTime.UtcNow - quietSince < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(500, cancellationToken);
            if (sink.Received.Count != seen)
            {
                (seen, quietSince) = (sink.Received.Count, DateTime.UtcNow);
            }
        }

        return seen;
    }

    private static async Task SubscribeAsync(HostUnderTest host, Uri url, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = host.Http };
        http.DefaultRequestHeaders.Add("X-Api-Key", HttpImport.AdminKey);
        using var response = await http.PutAsJsonAsync(
            $"/api/v1/lenders/{LenderId}/webhook", new { url = url.ToString(), secret = "benchmark-webhook-secret", events = LenderEvents }, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"PUT webhook answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
    }

    /// <summary>Reads every summary the base run filed, then writes them again alone into a fresh Redis, <paramref name="inFlight"/> at a time.</summary>
    private static async Task<IndexReplay> ReplayIndexAsync(HostUnderTest host, Func<string, Task<RedisServer>> freshRedis, int inFlight, CancellationToken cancellationToken)
    {
        var summaries = new List<AccountSummary>();
        var search = host.Client.GetGrain<IAccountIndexGrain>(0);
        string? after = null;
        do
        {
            var page = await search.SearchAsync(LenderId, new AccountQuery(After: after, Limit: 1000));
            summaries.AddRange(page.Items);
            after = page.Next;
        }
        while (after is not null);

        await using var redis = await freshRedis("features-index");
        await using var connection = await redis.ConnectAsync();
        var index = new RedisAccountIndex(connection, "replay");
        var cpu = new CpuMeter(redis.Process.Pid);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        await Parallel.ForEachAsync(summaries, new ParallelOptions { MaxDegreeOfParallelism = inFlight, CancellationToken = cancellationToken },
            async (summary, _) => await index.UpsertAsync(LenderId, summary));
        var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        var used = cpu.Elapsed();
        return new IndexReplay(summaries.Count, elapsed, used[1], used[0]);
    }

    public static IEnumerable<Row> Rows(FeatureResult result)
    {
        const string s = "6. Onboarding A/B per feature";
        var bases = result.Variants.Where(v => v.Name.StartsWith("base", StringComparison.Ordinal)).ToList();
        var baseRate = bases.Average(v => v.Onboarding.Rate);
        var baseCpu = bases.Average(v => ServerCpuMs(v.Onboarding));
        yield return new(s, $"accounts/s and host + store CPU per account, base (mean of {bases.Count} runs: {string.Join(" · ", bases.Select(b => Format.Rate(b.Onboarding.Rate)))}); {Format.Count(result.Accounts)} accounts each",
            $"{Format.Rate(baseRate)}, {Ms(baseCpu)}");
        foreach (var v in result.Variants)
        {
            var posts = v.Name == "webhook" ? $"; posts received {Format.Count(v.WebhookPosts)} during onboarding, {Format.Count(v.WebhookPostsAfterDrain)} when 5 s quiet (≤ 30 s after)" : "";
            yield return new(s, $"{v.Name}: {v.What}{posts}",
                $"{Format.Rate(v.Onboarding.Rate)}, {Ms(ServerCpuMs(v.Onboarding))}{(v.Onboarding.Failed > 0 ? $", {Format.Count(v.Onboarding.Failed)} failed" : "")}",
                Ratio: $"rate {Format.Factor(v.Onboarding.Rate / baseRate)}, CPU {Format.Factor(ServerCpuMs(v.Onboarding) / baseCpu)}");
        }

        if (result.Index is { } ix)
        {
            var perAccount = (ix.ClientCpuSeconds + ix.RedisCpuSeconds) * 1000 / Math.Max(1, ix.Summaries);
            yield return new(s, $"account index write alone ({Format.Count(ix.Summaries)} summaries of the base run written again into a fresh Redis): CPU per account, writer + Redis, and its share of the base's host + Redis CPU",
                string.Create(CultureInfo.InvariantCulture, $"{ix.ClientCpuSeconds * 1000 / Math.Max(1, ix.Summaries):0.00} + {ix.RedisCpuSeconds * 1000 / Math.Max(1, ix.Summaries):0.00} ms ({Format.Rate(ix.Summaries / ix.Elapsed.TotalSeconds)} alone)"),
                Ratio: string.Create(CultureInfo.InvariantCulture, $"{perAccount / baseCpu * 100:0} % of base CPU"));
        }
    }

    private static double ServerCpuMs(OnboardingResult r) => r.Cpu.Length >= 2 ? (r.Cpu[0] + r.Cpu[1]) * 1000 / r.Accounts : double.NaN;

    private static string Ms(double ms) => string.Create(CultureInfo.InvariantCulture, $"{ms:0.00} ms/account");

}
