using System.Diagnostics;
using System.Text.Json;
using Collections.Benchmarks.Infrastructure;
using Collections.Benchmarks.Measurement;
using Collections.Benchmarks.Workload;

namespace Collections.Benchmarks.Scenarios;

/// <summary>
/// Scenario 1 (HTTP path): <c>POST /api/v1/lenders/{lenderId}/accounts/import</c> with streamed
/// NDJSON bodies of <c>linesPerRequest</c> lines, <c>parallelRequests</c> requests at a time. A batch is
/// one request; its latency runs from the first byte sent to the summary received.
/// </summary>
public static class HttpImport
{
    public const string AdminKey = "dev-admin";

    public static async Task<OnboardingResult> RunAsync(
        HostUnderTest host, Portfolio portfolio, int count, int linesPerRequest, int parallelRequests, CancellationToken cancellationToken)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = parallelRequests + 1 })
        {
            BaseAddress = host.Http,
            Timeout = TimeSpan.FromMinutes(30),
        };
        http.DefaultRequestHeaders.Add("X-Api-Key", AdminKey);
        var batches = new Latencies(count / linesPerRequest + 1);
        var totals = new Dictionary<string, long>(StringComparer.Ordinal) { ["created"] = 0, ["updated"] = 0, ["unchanged"] = 0, ["rejected"] = 0 };
        long done = 0, failed = 0;
        await using var rss = new RssSampler(host.Pid);
        var cpu = new CpuMeter(host.Pid, host.StorePid);
        var started = Stopwatch.GetTimestamp();
        using var progress = Progress.Every(TimeSpan.FromSeconds(5), () =>
        {
            var n = Interlocked.Read(ref done);
            return $"http import: {n:N0}/{count:N0} accounts acknowledged, {n / Stopwatch.GetElapsedTime(started).TotalSeconds:N0}/s, host RSS {Format.Bytes(rss.Last)}";
        });

        var starts = Enumerable.Range(0, (count + linesPerRequest - 1) / linesPerRequest).Select(b => b * linesPerRequest);
        await Parallel.ForEachAsync(starts, new ParallelOptions { MaxDegreeOfParallelism = parallelRequests, CancellationToken = cancellationToken }, async (first, ct) =>
        {
            var last = Math.Min(first + linesPerRequest, count);
            var start = Stopwatch.GetTimestamp();
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/lenders/{portfolio.LenderId}/accounts/import")
            {
                Content = new NdjsonContent(portfolio, first, last),
            };
            using var response = await http.SendAsync(request, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            batches.AddSince(start);
            if (!response.IsSuccessStatusCode)
            {
                Interlocked.Add(ref failed, last - first);
                Log.Warn($"import of lines {first}–{last} answered {(int)response.StatusCode}: {body[..Math.Min(body.Length, 300)]}");
                return;
            }

            using var summary = JsonDocument.Parse(body);
            lock (totals)
            {
                foreach (var key in totals.Keys.ToList())
                {
                    totals[key] += summary.RootElement.TryGetProperty(key, out var value) ? value.GetInt64() : 0;
                }
            }

            if (summary.RootElement.GetProperty("rejected").GetInt64() > 0)
            {
                Log.Warn($"import of lines {first}–{last}: {summary.RootElement.GetProperty("errors")[0]}");
            }

            Interlocked.Add(ref done, last - first);
        });

        var elapsed = Stopwatch.GetElapsedTime(started);
        var (rssAfter, peak) = host.Memory();
        var (redisUsed, redisRss) = host.Redis is { } redis ? await redis.MemoryAsync() : (0, 0);
        return new OnboardingResult("http", count, elapsed, batches.Summarize(), null, Math.Max(peak, rss.Max), rssAfter,
            failed + totals["rejected"], totals, redisUsed, redisRss)
        {
            Cpu = cpu.Elapsed(),
        };
    }
}
