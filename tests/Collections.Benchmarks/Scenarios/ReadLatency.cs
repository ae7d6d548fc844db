using System.Diagnostics;
using Collections.Benchmarks.Infrastructure;
using Collections.Benchmarks.Measurement;
using Collections.Benchmarks.Workload;

namespace Collections.Benchmarks.Scenarios;

public sealed record ReadResult(
    double Rate, TimeSpan Duration, int Sent, Summary Latency, int Errors, double AchievedRate, int Accounts, long PeakRss, TimeSpan Warmup,
    double HostCpuPerRequestMs, double RedisCpuPerRequestMs)
{
    /// <summary>The host's allocation, GC and thread-pool work per request during the measured phase.</summary>
    public RuntimeCost? Runtime { get; init; }
}

/// <summary>
/// Scenario 4: <c>GET /api/v1/lenders/{lenderId}/accounts/{accountRef}</c> of accounts chosen uniformly
/// at random, open loop at a fixed rate. Request i is due at t0 + i / rate; a dispatcher thread wakes
/// about every millisecond and sends every request that is due, without waiting for earlier answers.
/// Latency is measured from the scheduled time (not the actual send), so a stall of the system or of the
/// dispatcher counts against the result: no coordinated omission.
/// </summary>
public static class ReadLatency
{
    public static async Task<ReadResult> RunAsync(
        HostUnderTest host, Portfolio portfolio, int accounts, double rate, TimeSpan duration, TimeSpan warmup, CancellationToken cancellationToken)
    {
        using var http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 1024,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(10),
        })
        {
            BaseAddress = host.Http,
            Timeout = TimeSpan.FromSeconds(30),
        };
        http.DefaultRequestHeaders.Add("X-Api-Key", HttpImport.AdminKey);

        // Warm-up (not measured): connections opened, JIT done, at the same rate.
        await RunPhase(http, portfolio, accounts, rate, warmup, seed: 7, latencies: null, cancellationToken);
        var latencies = new Latencies((int)(rate * duration.TotalSeconds) + 16);
        await using var rss = new RssSampler(host.Pid);
        var runtimeBefore = await RuntimeCounters.ReadAsync(host, cancellationToken);
        var cpu = new CpuMeter(host.Pid, host.StorePid);
        var (sent, errors, elapsed) = await RunPhase(http, portfolio, accounts, rate, duration, seed: 42, latencies, cancellationToken);
        var used = cpu.Elapsed();
        var runtime = (await RuntimeCounters.ReadAsync(host, cancellationToken))!.Since(runtimeBefore!, Math.Max(1, sent), elapsed);
        return new ReadResult(rate, duration, sent, latencies.Summarize(), errors, sent / elapsed.TotalSeconds, accounts, rss.Max, warmup,
            used[0] * 1000 / Math.Max(1, sent), used[1] * 1000 / Math.Max(1, sent))
        {
            Runtime = runtime,
        };
    }

    private static async Task<(int Sent, int Errors, TimeSpan Elapsed)> RunPhase(
        HttpClient http, Portfolio portfolio, int accounts, double rate, TimeSpan duration, int seed, Latencies? latencies, CancellationToken cancellationToken)
    {
        var total = (int)(rate * duration.TotalSeconds);
        if (total == 0)
        {
            return (0, 0, TimeSpan.Zero);
        }

        var random = new Random(seed);
        var pending = new List<Task>(total);
        var errors = 0;
        var period = Stopwatch.Frequency / rate;
        var t0 = Stopwatch.GetTimestamp();
        var dispatcher = new Thread(() =>
        {
            var next = 0;
            while (next < total && !cancellationToken.IsCancellationRequested)
            {
                var now = Stopwatch.GetTimestamp();
                while (next < total && t0 + (long)(next * period) <= now)
                {
                    var scheduled = t0 + (long)(next * period);
                    var account = random.Next(accounts);
                    pending.Add(Send(scheduled, account));
                    next++;
                }

                Thread.Sleep(1);
            }
        })
        {
            IsBackground = true,
            Name = "open-loop dispatcher",
            Priority = ThreadPriority.AboveNormal,
        };
        dispatcher.Start();
        await Task.Run(dispatcher.Join, cancellationToken);
        await Task.WhenAll(pending);
        return (pending.Count, errors, Stopwatch.GetElapsedTime(t0));

        async Task Send(long scheduled, int account)
        {
            try
            {
                using var response = await http.GetAsync($"/api/v1/lenders/{portfolio.LenderId}/accounts/{portfolio.Ref(account)}", HttpCompletionOption.ResponseContentRead, cancellationToken);
                latencies?.AddSince(scheduled);
                if (!response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref errors);
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                latencies?.AddSince(scheduled);
                Interlocked.Increment(ref errors);
            }
        }
    }
}
