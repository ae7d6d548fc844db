using System.CommandLine;
using Collections.Benchmarks.Infrastructure;
using Collections.Benchmarks.Scenarios;

namespace Collections.Benchmarks;

/// <summary>The scenarios, by the names <c>--scenarios</c> takes.</summary>
[Flags]
public enum Scenario
{
    None = 0,
    Grain = 1,
    Rest = 2,
    Read = 4,
    Http = 8,
    Storm = 16,
    Baseline = 32,
    Ceiling = 64,
    All = Grain | Rest | Read | Http | Storm | Baseline | Ceiling,

    // Same-run comparisons of our own settings (A/B), numbered apart from the scenarios above.
    Features = 1024,
    Search = 2048,
    Dashboard = 4096,
}

/// <summary>Every knob of a run, resolved from the command line (with --quick's smaller defaults).</summary>
public sealed record BenchmarkSettings(
    int Accounts, bool Quick, int CeilingAccounts, int HttpAccounts, int StormAccounts, int BaselineAccounts, int BaselineStormAccounts,
    int BatchSize, int ParallelBatches, int HttpBatch, int HttpParallel,
    double ReadRate, TimeSpan ReadDuration, TimeSpan ReadWarmup, TimeSpan Rest, CollectionMode Collection, bool StormWarm, TimeSpan? StormLead,
    int BaselineConcurrency, int BaselineWorkers, Scenario Scenarios, Provider Provider, string? HostDll, string? Output,
    IReadOnlyDictionary<string, string> HostEnvironment, int FeatureAccounts, int SearchAccounts, int SearchRounds, int DashboardAccounts)
{
    public bool Runs(Scenario scenario) => (Scenarios & scenario) != 0;
}

/// <summary>The command line.</summary>
public static class BenchmarkCommand
{
    private const string DefaultScenarios = "ceiling,grain,rest,read,http,storm,baseline";

    public static RootCommand Create(Func<BenchmarkSettings, CancellationToken, Task<int>> run)
    {
        var accounts = new Option<int?>("--accounts") { Description = "Accounts onboarded through the grain path, idle for memory at rest, read at random [default 1,000,000; --quick 2,000]" };
        var quick = new Option<bool>("--quick") { Description = "Small sizes and a 5 s read test, for CI: the whole run within 2 minutes on an idle machine" };
        var ceilingAccounts = new Option<int?>("--ceiling-accounts") { Description = "Accounts onboarded through the ceiling scenario's minimal grain (state + one 30-day reminder) [default: --accounts]" };
        var httpAccounts = new Option<int?>("--http-accounts") { Description = "Accounts sent through the HTTP NDJSON import [default: --accounts]" };
        var stormAccounts = new Option<int?>("--storm-accounts") { Description = "Accounts in the escalation storm [default 100,000; --quick 2,000]" };
        var baselineAccounts = new Option<int?>("--baseline-accounts") { Description = "Accounts onboarded through the PostgreSQL + Hangfire peer [default min(--accounts, 100,000); --quick 500]" };
        var baselineStorm = new Option<int?>("--baseline-storm-accounts") { Description = "Accounts in the peer's escalation storm [default min(--storm-accounts, 5,000); --quick 200]" };
        var batchSize = new Option<int>("--batch-size") { Description = "Accounts per batch on the grain path (sent at once)", DefaultValueFactory = _ => 1000 };
        var parallelBatches = new Option<int>("--parallel-batches") { Description = "Batches in flight on the grain path", DefaultValueFactory = _ => 4 };
        var httpBatch = new Option<int?>("--http-batch") { Description = "NDJSON lines per import request [default 20,000; --quick 500]" };
        var httpParallel = new Option<int>("--http-parallel") { Description = "Import requests in flight", DefaultValueFactory = _ => 2 };
        var readRate = new Option<double>("--read-rate") { Description = "Account GETs per second (open loop)", DefaultValueFactory = _ => 1000 };
        var readSeconds = new Option<int?>("--read-seconds") { Description = "Measured duration of the read test [default 60; --quick 5]" };
        var restSeconds = new Option<int?>("--rest-seconds") { Description = "Idle time after grain collection while RSS is sampled; covers a reminder-table refresh (5 min) by default [default 330; --quick 2]" };
        var collection = new Option<CollectionMode>("--collection") { Description = "Force: collect idle activations through IManagementGrain now; Wait: wait for Orleans' 15-minute idle collection", DefaultValueFactory = _ => CollectionMode.Force };
        var stormWarm = new Option<bool>("--storm-warm") { Description = "Leave the storm accounts activated (default: collected first, so the storm activates them from Redis)" };
        var stormLead = new Option<int?>("--storm-lead") { Description = "Seconds from the storm host's start to the due instant [default: from the measured onboarding rate]" };
        var baselineConcurrency = new Option<int>("--baseline-concurrency") { Description = "Accounts onboarded at once through the peer", DefaultValueFactory = _ => 64 };
        var baselineWorkers = new Option<int>("--baseline-workers") { Description = "Hangfire worker threads", DefaultValueFactory = _ => 20 };
        var scenarios = new Option<string?>("--scenarios")
        {
            Description = "Comma-separated subset of ceiling,grain,rest,read,http,storm,baseline (the default; --quick adds search) and the same-run comparisons features (onboarding A/B: debtor check, " +
                "lender webhook, account index) and search (account search pages and the work queue's next + release, 1,000 accounts vs --search-accounts) and dashboard (the Orleans dashboard off / on / on and viewed: onboarding, grain calls, idle CPU)",
        };
        var provider = new Option<Provider>("--provider")
        {
            Description = "Storage of the host under test: Redis, AzureStorage (an Azurite of the run's own, on disk: emulator figures, not Azure's; " +
                "not for the storm, which reads Redis) or Memory (only to debug the harness)",
            DefaultValueFactory = _ => Provider.Redis,
        };
        var hostDll = new Option<string?>("--host-dll") { Description = "Collections.Host.dll to run [default: src/Collections.Host/bin/<this configuration>/net10.0]" };
        var hostEnv = new Option<string[]>("--host-env")
        {
            Description = "NAME=VALUE environment variable for the host processes, for diagnosis (e.g. DOTNET_PerfMapEnabled=1 for perf, DOTNET_gcServer=0); repeatable",
            AllowMultipleArgumentsPerToken = false,
        };
        var featureAccounts = new Option<int?>("--feature-accounts") { Description = "Accounts per variant of the onboarding A/B per feature (features) [default min(--accounts, 20,000); --quick 300]" };
        var searchAccounts = new Option<int?>("--search-accounts") { Description = "Accounts of the large lender in search (the small one has 1,000) [default min(--accounts, 100,000); --quick 2,000]" };
        var searchRounds = new Option<int?>("--search-rounds") { Description = "Requests of each kind per lender in search: two pages per filter combination, next + release [default 100; --quick 10]" };
        var dashboardAccounts = new Option<int?>("--dashboard-accounts") { Description = "Accounts per setting of the dashboard cost (dashboard) [default min(--accounts, 100,000); --quick 300]" };
        var output = new Option<string?>("--output") { Description = "Directory for results.md, results.json and the hosts' logs [default artifacts/benchmarks/<time>]" };

        var root = new RootCommand(
            "Collections.Orleans benchmark: onboarding (grain path and HTTP import), escalation storm, memory at rest, read latency, " +
            "and a PostgreSQL + Hangfire peer baseline, each against its own redis-server / PostgreSQL / host processes started here.")
        {
            accounts, quick, ceilingAccounts, httpAccounts, stormAccounts, baselineAccounts, baselineStorm, batchSize, parallelBatches, httpBatch, httpParallel,
            readRate, readSeconds, restSeconds, collection, stormWarm, stormLead, baselineConcurrency, baselineWorkers, scenarios, provider, hostDll, hostEnv, output,
            featureAccounts, searchAccounts, searchRounds, dashboardAccounts,
        };
        root.SetAction((result, cancellationToken) =>
        {
            var q = result.GetValue(quick);
            var n = result.GetValue(accounts) ?? (q ? 2_000 : 1_000_000);
            var storm = result.GetValue(stormAccounts) ?? (q ? 2_000 : 100_000);
            var selected = Scenario.None;
            foreach (var name in (result.GetValue(scenarios) ?? (q ? DefaultScenarios + ",search" : DefaultScenarios)).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                selected |= Enum.Parse<Scenario>(name, ignoreCase: true);
            }

            var settings = new BenchmarkSettings(
                n, q, result.GetValue(ceilingAccounts) ?? n, result.GetValue(httpAccounts) ?? n, storm,
                result.GetValue(baselineAccounts) ?? (q ? 500 : Math.Min(n, 100_000)),
                result.GetValue(baselineStorm) ?? (q ? 200 : Math.Min(storm, 5_000)),
                result.GetValue(batchSize), result.GetValue(parallelBatches), result.GetValue(httpBatch) ?? (q ? 500 : 20_000), result.GetValue(httpParallel),
                result.GetValue(readRate), TimeSpan.FromSeconds(result.GetValue(readSeconds) ?? (q ? 5 : 60)), TimeSpan.FromSeconds(q ? 2 : 5),
                TimeSpan.FromSeconds(result.GetValue(restSeconds) ?? (q ? 2 : 330)), result.GetValue(collection), result.GetValue(stormWarm),
                result.GetValue(stormLead) is { } lead ? TimeSpan.FromSeconds(lead) : null,
                result.GetValue(baselineConcurrency), result.GetValue(baselineWorkers), selected, result.GetValue(provider), result.GetValue(hostDll), result.GetValue(output),
                (result.GetValue(hostEnv) ?? []).Select(e => e.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "", StringComparer.Ordinal),
                result.GetValue(featureAccounts) ?? (q ? 300 : Math.Min(n, 20_000)),
                result.GetValue(searchAccounts) ?? (q ? 2_000 : Math.Min(n, 100_000)), result.GetValue(searchRounds) ?? (q ? 10 : 100),
                result.GetValue(dashboardAccounts) ?? (q ? 300 : Math.Min(n, 100_000)));
            return run(settings, cancellationToken);
        });
        root.Subcommands.Add(CeilingSiloCommand());
        return root;
    }

    /// <summary>The ceiling scenario's silo (<see cref="Ceiling.CeilingSilo"/>), which the run starts as a child process of its own.</summary>
    private static Command CeilingSiloCommand()
    {
        var redis = new Option<string>("--redis") { Required = true };
        var clusterId = new Option<string>("--cluster-id") { Required = true };
        var siloPort = new Option<int>("--silo-port") { Required = true };
        var gatewayPort = new Option<int>("--gateway-port") { Required = true };
        var command = new Command("ceiling-silo", "Internal: the minimal silo of the ceiling scenario") { Hidden = true };
        command.Options.Add(redis);
        command.Options.Add(clusterId);
        command.Options.Add(siloPort);
        command.Options.Add(gatewayPort);
        command.SetAction((result, cancellationToken) => Ceiling.CeilingSilo.RunAsync(
            result.GetValue(redis)!, HostUnderTest.ServiceId, result.GetValue(clusterId)!, result.GetValue(siloPort), result.GetValue(gatewayPort), cancellationToken));
        return command;
    }
}
