using System.Diagnostics;
using Collections.Benchmarks.Infrastructure;
using Collections.Benchmarks.Measurement;
using Collections.Benchmarks.Reporting;
using Collections.Benchmarks.Scenarios;
using Collections.Benchmarks.Workload;
using Collections.Grains.Time;

namespace Collections.Benchmarks;

/// <summary>
/// One run: each group of scenarios gets its own redis-server and host process (so that one's memory
/// or backlog never shows in another's figures), the peer its own PostgreSQL; all of them are stopped
/// and their directories deleted at the end, whatever happens.
/// </summary>
public static class BenchmarkRun
{
    public static async Task<int> RunAsync(BenchmarkSettings settings, string commandLine, CancellationToken cancellationToken)
    {
        ThreadPool.SetMinThreads(Math.Max(64, settings.BaselineConcurrency * 2), 64);
        Resources.RemoveStale();
        var repo = RepoRoot();
        var hostDll = settings.HostDll ?? Path.Combine(repo, "src", "Collections.Host", "bin", BuildConfiguration, "net10.0", "Collections.Host.dll");
        if (!File.Exists(hostDll))
        {
            Log.Warn($"{hostDll} does not exist: build it (dotnet build src/Collections.Host -c {BuildConfiguration}) or pass --host-dll.");
            return 2;
        }

        var output = settings.Output ?? Path.Combine(repo, "artifacts", "benchmarks", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture));
        Directory.CreateDirectory(output);
        var report = new Report(settings, commandLine, await Machine.DescribeAsync(repo, hostDll, cancellationToken));
        var started = Stopwatch.GetTimestamp();
        var resources = new Resources();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, resources.Stopping);
        var ct = stop.Token;
        var failed = false;
        try
        {
            Log.Step($"Benchmark: {settings.Accounts:N0} accounts{(settings.Quick ? " (quick)" : "")}; temporary files in {resources.Root}; results in {output}");
            Task<PostgresServer>? postgres = settings.Runs(Scenario.Baseline) ? PostgresServer.StartAsync(resources, ct) : null;
            var today = DateOnly.FromDateTime(DateTime.UtcNow);

            // Business noon today: no debtor's local midnight (hence no threshold) falls during the run.
            var noon = new DateTimeOffset(today.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero);
            var zones = new[] { "Asia/Shanghai", "UTC", "America/New_York", "Europe/London" };
            Portfolio Onboarding(string lender, string prefix, Func<int, string>? customerId = null) =>
                new(lender, prefix, i => today.AddDays(-(1 + (i % 25))), i => zones[i % zones.Length], customerId);

            if (settings.Runs(Scenario.Ceiling) && settings.Provider == Provider.Redis)
            {
                // Just before the grain path, so that both see the machine in the same state.
                await using var redis = await RedisServer.StartAsync(resources, repo, "redis-ceiling", ct);
                await using var silo = await HostUnderTest.StartCeilingAsync(resources, redis, settings.HostEnvironment, ct);
                var portfolio = Onboarding("LC", "C");
                Log.Step($"0. Ceiling: {settings.CeilingAccounts:N0} accounts through a minimal grain (state + one 30-day reminder) on the same Redis");
                var ceiling = await GrainOnboarding.RunAsync(silo, portfolio, 0, settings.CeilingAccounts, settings.BatchSize, settings.ParallelBatches, "ceiling", ct,
                    path: "ceiling", call: async (client, i) =>
                    {
                        await client.GetGrain<Ceiling.ICeilingGrain>(portfolio.Key(i)).UpsertAsync(portfolio.Record(i));
                        return Collections.Domain.Accounts.UpsertOutcome.Created;
                    });
                report.Add(ceiling);
                Log.Info($"ceiling: {ceiling.Rate:N0} accounts/s");
            }

            double? measuredRate = null;
            if (settings.Runs(Scenario.Grain | Scenario.Rest | Scenario.Read))
            {
                await using var redis = settings.Provider == Provider.Redis ? await RedisServer.StartAsync(resources, repo, "redis-grain", ct) : null;
                await using var host = await HostUnderTest.StartAsync(resources, hostDll, "host-grain", settings.Provider, redis, noon, settings.HostEnvironment, ct);
                report.Add("startup", host.Memory().Rss);
                var portfolio = Onboarding("LG", "G");
                Log.Step($"1. Onboarding {settings.Accounts:N0} accounts through the account grain (Orleans client)");
                var requestsBefore = await StoreRequests.CountAsync(host, ct);
                var grain = await GrainOnboarding.RunAsync(host, portfolio, 0, settings.Accounts, settings.BatchSize, settings.ParallelBatches, "grain onboarding", ct);
                measuredRate = grain.Rate;
                report.Add(grain);
                if ((requestsBefore, await StoreRequests.CountAsync(host, ct)) is ({ } before, { } after))
                {
                    var (requests, scripts) = ((after.Requests - before.Requests) / settings.Accounts, (after.Scripts - before.Scripts) / settings.Accounts);
                    report.Add("store-requests", new { requests, scripts }, [new("1. Onboarding, grain path",
                        settings.Provider == Provider.Redis
                            ? "Redis commands per account, those that scripts run included (of them script calls)"
                            : "Azure Storage requests per account (the host's Table and Blob requests)",
                        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{requests:0.0}{(scripts > 0 ? $" ({scripts:0.0})" : "")}"))]);
                }

                Log.Info($"grain onboarding: {grain.Rate:N0} accounts/s, peak host RSS {Format.Bytes(grain.PeakRss)}");
                if (settings.Runs(Scenario.Rest))
                {
                    Log.Step($"3. Memory at rest with {settings.Accounts:N0} accounts");
                    report.Add(await MemoryAtRest.RunAsync(host, settings.Accounts, settings.Collection, settings.Rest, settings.Quick, ct));
                }

                if (settings.Runs(Scenario.Read))
                {
                    Log.Step($"4. Account GET at {settings.ReadRate:N0}/s for {settings.ReadDuration.TotalSeconds:0} s (open loop)");
                    report.Add(await ReadLatency.RunAsync(host, portfolio, settings.Accounts, settings.ReadRate, settings.ReadDuration, settings.ReadWarmup, ct));
                }
            }

            if (settings.Runs(Scenario.Http))
            {
                await using var redis = settings.Provider == Provider.Redis ? await RedisServer.StartAsync(resources, repo, "redis-http", ct) : null;
                await using var host = await HostUnderTest.StartAsync(resources, hostDll, "host-http", settings.Provider, redis, noon, settings.HostEnvironment, ct);
                Log.Step($"1b. Onboarding {settings.HttpAccounts:N0} accounts through the HTTP NDJSON import");
                var http = await HttpImport.RunAsync(host, Onboarding("LH", "H"), settings.HttpAccounts, settings.HttpBatch, settings.HttpParallel, ct);
                report.Add(http);
                Log.Info($"http import: {http.Rate:N0} accounts/s, peak host RSS {Format.Bytes(http.PeakRss)}");
            }

            if (settings.Runs(Scenario.Storm))
            {
                // Long enough to start the host, onboard the storm at the rate measured above (or a pessimistic guess) and collect it.
                var lead = settings.StormLead ?? TimeSpan.FromSeconds((settings.Quick ? 12 : 20) + (settings.StormAccounts / Math.Max(100, (measuredRate ?? 1000) * 0.7)) + (settings.StormAccounts / 2000.0));
                var calendar = StormCalendar.Create(lead);
                await using var redis = settings.Provider == Provider.Redis ? await RedisServer.StartAsync(resources, repo, "redis-storm", ct) : null;
                Log.Step($"2. Escalation storm: {settings.StormAccounts:N0} accounts due at the same instant, {lead.TotalSeconds:0} s after the host starts");
                await using var host = await HostUnderTest.StartAsync(resources, hostDll, "host-storm", settings.Provider, redis, calendar.ClockStart, settings.HostEnvironment, ct);
                var storm = await EscalationStorm.RunAsync(
                    host, calendar, calendar.Portfolio("LS", "S"), settings.StormAccounts, settings.BatchSize, settings.ParallelBatches, !settings.StormWarm, ct);
                report.Add(storm, baseline: false);
                Log.Info($"storm: {storm.Escalated:N0} escalated, all persisted {Format.Seconds(storm.AllPersistedAfterDue)} after due, fire lag p99 {Format.Seconds(storm.FireLag.P99)}");
            }

            if (postgres is not null)
            {
                var server = await postgres;
                Log.Step($"5. Peer baseline: PostgreSQL {server.Version} + Hangfire, {settings.BaselineAccounts:N0} accounts");
                await using var peer = await HangfirePeer.CreateAsync(server, new BusinessClock(TimeProvider.System, noon, DateTimeOffset.UtcNow, 1), settings.BaselineWorkers, ct);
                var (elapsed, batches, calls, baselineFailed) = await HangfireBaseline.OnboardAsync(
                    peer, Onboarding("PG", "P"), settings.BaselineAccounts, settings.BatchSize, settings.BaselineConcurrency, "peer onboarding", ct);
                var rate = settings.BaselineAccounts / elapsed.TotalSeconds;
                Log.Info($"peer onboarding: {rate:N0} accounts/s");
                StormResult? peerStorm = null;
                if (settings.BaselineStormAccounts > 0)
                {
                    var lead = TimeSpan.FromSeconds((settings.Quick ? 8 : 15) + (settings.BaselineStormAccounts / Math.Max(100, rate * 0.7)));
                    var calendar = StormCalendar.Create(lead);
                    peerStorm = await EscalationStorm.RunPeerAsync(peer, calendar, calendar.Portfolio("PS", "Q"), settings.BaselineStormAccounts, settings.BatchSize, settings.BaselineConcurrency, ct);
                    report.Add(peerStorm, baseline: true);
                    Log.Info($"peer storm: {peerStorm.Escalated:N0} escalated, all committed {Format.Seconds(peerStorm.AllPersistedAfterDue)} after due");
                }

                report.Add(new BaselineResult(settings.BaselineAccounts, elapsed, batches, calls, baselineFailed, server.Version, settings.BaselineConcurrency, settings.BaselineWorkers, peerStorm));
            }

            // A fresh store and host for each variant of a same-run comparison (disposing the host stops its store).
            async Task<HostUnderTest> FreshHost(string name, IEnumerable<string>? hostSettings = null)
            {
                var redis = settings.Provider == Provider.Redis ? await RedisServer.StartAsync(resources, repo, $"redis-{name}", ct) : null;
                return await HostUnderTest.StartAsync(resources, hostDll, $"host-{name}", settings.Provider, redis, noon, settings.HostEnvironment, ct, hostSettings);
            }

            if (settings.Runs(Scenario.Features))
            {
                var features = await FeatureOnboarding.RunAsync(
                    name => FreshHost(name), settings.Provider == Provider.Redis ? name => RedisServer.StartAsync(resources, repo, $"redis-{name}", ct) : null,
                    (prefix, customerId) => Onboarding(FeatureOnboarding.LenderId, prefix, customerId),
                    settings.FeatureAccounts, settings.BatchSize, settings.ParallelBatches, ct);
                report.Add("features", features, FeatureOnboarding.Rows(features));
            }

            if (settings.Runs(Scenario.Search))
            {
                await using var host = await FreshHost("search");
                var search = await SearchAndQueue.RunAsync(
                    host, (lender, prefix) => Onboarding(lender, prefix), settings.SearchAccounts, settings.SearchRounds, settings.BatchSize, settings.ParallelBatches, ct);
                report.Add("search", search, SearchAndQueue.Rows(search));
            }

            if (settings.Runs(Scenario.Dashboard))
            {
                var dashboard = await DashboardCost.RunAsync(
                    FreshHost, prefix => Onboarding("LD", prefix), settings.DashboardAccounts, settings.Quick ? TimeSpan.FromSeconds(3) : TimeSpan.FromSeconds(20),
                    settings.Quick ? TimeSpan.FromSeconds(2) : TimeSpan.FromSeconds(20), settings.BatchSize, settings.ParallelBatches, ct);
                report.Add("dashboard", dashboard, DashboardCost.Rows(dashboard));
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            Log.Warn("Interrupted: stopping everything this run started.");
            failed = true;
        }
        catch (Exception ex)
        {
            Log.Warn($"The run failed: {ex}");
            failed = true;
        }
        finally
        {
            CopyLogs(resources.Root, Path.Combine(output, "logs"));
            await resources.DisposeAsync();
        }

        report.Elapsed = Stopwatch.GetElapsedTime(started);
        report.Print();
        await report.WriteAsync(output);
        Log.Step($"Done in {report.Elapsed.TotalSeconds:0} s; {Path.Combine(output, "results.md")} has the BENCHMARKS.md rows.");
        return failed ? 1 : 0;
    }

#if DEBUG
    private const string BuildConfiguration = "Debug";
#else
    private const string BuildConfiguration = "Release";
#endif

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Collections.Orleans.sln")))
            {
                return dir.FullName;
            }
        }

        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Collections.Orleans.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Run the benchmark from the repository (Collections.Orleans.sln not found above it).");
    }

    /// <summary>A log as it is, or its first 1 MB and last 4 MB when larger (a storm can log hundreds of MB of warnings).</summary>
    private static void CopyCapped(string from, string to)
    {
        const int Head = 1 << 20, Tail = 4 << 20;
        using var input = new FileStream(from, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var output = File.Create(to);
        if (input.Length <= Head + Tail)
        {
            input.CopyTo(output);
            return;
        }

        var buffer = new byte[Tail];
        output.Write(buffer, 0, input.ReadAtLeast(buffer.AsSpan(0, Head), Head, throwOnEndOfStream: false));
        output.Write(System.Text.Encoding.UTF8.GetBytes($"\n… {input.Length - Head - Tail:N0} bytes left out …\n"));
        input.Seek(-Tail, SeekOrigin.End);
        output.Write(buffer, 0, input.ReadAtLeast(buffer, Tail, throwOnEndOfStream: false));
    }

    private static void CopyLogs(string from, string to)
    {
        try
        {
            Directory.CreateDirectory(to);
            foreach (var log in Directory.EnumerateFiles(from, "*.log", SearchOption.AllDirectories))
            {
                CopyCapped(log, Path.Combine(to, Path.GetFileName(log)));
            }
        }
        catch (IOException ex)
        {
            Log.Warn($"could not copy logs: {ex.Message}");
        }
        catch (UnauthorizedAccessException ex)
        {
            Log.Warn($"could not copy logs: {ex.Message}");
        }
    }
}
