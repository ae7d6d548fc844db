using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Collections.Benchmarks.Infrastructure;
using Collections.Benchmarks.Measurement;
using Collections.Benchmarks.Reporting;
using Collections.Benchmarks.Workload;

namespace Collections.Benchmarks.Scenarios;

/// <summary>One filter combination's page latencies, for the small and the large lender, and the items its pages held.</summary>
public sealed record SearchFilter(string Query, Summary Small, Summary Large, double SmallItems, double LargeItems, int Errors);

/// <summary><c>next</c> and <c>release</c> latencies of one lender's team, with the accounts queued in its scope.</summary>
public sealed record QueueFigures(long Queued, Summary Next, Summary Release, int Leased, int Empty, int Errors);

public sealed record SearchResult(
    int SmallAccounts, int LargeAccounts, int Rounds, IReadOnlyList<SearchFilter> Filters, QueueFigures SmallQueue, QueueFigures LargeQueue);

/// <summary>
/// Scenario 7 (issue 14): the account search and the collectors' work queue at two portfolio sizes in one
/// host. Two lenders are onboarded through the grain path, a small one (1,000 accounts) and a large one
/// (<c>--search-accounts</c>), each with a team working Notice and Early (defined before onboarding, so the
/// queue fills as accounts commit). Then, one request at a time (closed loop: the figure is a request's
/// own cost, not a queue's), after one unmeasured round, alternating the lenders so that both see the same machine:
/// <c>GET /api/v1/lenders/{id}/accounts?…</c> for each filter combination, first page and the page after
/// it by cursor; and <c>POST …/teams/{teamId}/next</c> as a collector of the team, followed by
/// <c>POST …/leases/{accountRef}/release</c> of what it got.
/// </summary>
public static class SearchAndQueue
{
    public const string SmallLender = "LK";
    public const string LargeLender = "LQ";
    public const int SmallAccounts = 1_000;
    private const string Team = "T1";
    private static readonly string[] TeamStages = ["Notice", "Early"];

    /// <summary>All accounts, one stage, one risk tier, a stage and a tier, a balance range, and a selective AND of three.</summary>
    private static readonly string[] Queries =
    [
        "limit=50",
        "stage=Early&limit=50",
        "riskTier=Medium&limit=50",
        "stage=Notice&riskTier=High&limit=50",
        "minBalance=1000&maxBalance=5000&limit=50",
        "stage=Early&riskTier=Low&minBalance=40000&limit=50",
    ];

    public static async Task<SearchResult> RunAsync(
        HostUnderTest host, Func<string, string, Portfolio> portfolio, int largeAccounts, int rounds, int batchSize, int parallelBatches, CancellationToken cancellationToken)
    {
        using var admin = Client(host, HttpImport.AdminKey);
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var lender in new[] { SmallLender, LargeLender })
        {
            await SendAsync(admin, HttpMethod.Put, $"/api/v1/lenders/{lender}/teams/{Team}", new { name = "bench", stages = TeamStages, leaseMinutes = 15 }, cancellationToken);
            using var created = await SendAsync(admin, HttpMethod.Post, "/api/v1/admin/api-keys", new { role = "collector", lenderId = lender, teamId = Team }, cancellationToken);
            keys[lender] = (await created.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("key").GetString()!;
        }

        Log.Step($"7. Search and work queue: onboarding {SmallAccounts:N0} accounts (lender {SmallLender}) and {largeAccounts:N0} (lender {LargeLender})");
        await GrainOnboarding.RunAsync(host, portfolio(SmallLender, "K"), 0, SmallAccounts, batchSize, parallelBatches, "search/small", cancellationToken);
        var large = await GrainOnboarding.RunAsync(host, portfolio(LargeLender, "Q"), 0, largeAccounts, batchSize, parallelBatches, "search/large", cancellationToken);
        Log.Info($"search/large onboarding: {large.Rate:N0} accounts/s");

        // Warm-up (not measured): every query and the queue once per lender, so that JIT and first activations are not in the figures.
        foreach (var lender in new[] { SmallLender, LargeLender })
        {
            foreach (var query in Queries)
            {
                await TwoPagesAsync(admin, lender, query, new Latencies(2), cancellationToken);
            }
        }

        Log.Step($"7. Search: {Queries.Length} filter combinations × {rounds} rounds × 2 pages, each lender in turn");
        var filters = new List<SearchFilter>();
        foreach (var query in Queries)
        {
            var (small, large2) = (new Latencies(rounds * 2), new Latencies(rounds * 2));
            var (smallItems, largeItems, errors) = (0L, 0L, 0);
            for (var round = 0; round < rounds; round++)
            {
                foreach (var (lender, latencies) in new[] { (SmallLender, small), (LargeLender, large2) })
                {
                    var (items, failed) = await TwoPagesAsync(admin, lender, query, latencies, cancellationToken);
                    errors += failed;
                    if (lender == SmallLender)
                    {
                        smallItems += items;
                    }
                    else
                    {
                        largeItems += items;
                    }
                }
            }

            var (s, l) = (small.Summarize(), large2.Summarize());
            filters.Add(new(query, s, l, smallItems / (double)Math.Max(1, s.Count), largeItems / (double)Math.Max(1, l.Count), errors));
            Log.Info($"?{query}: p50 {Format.Ms(s.P50)} (1k) vs {Format.Ms(l.P50)} ({largeAccounts:N0}); p99 {Format.Ms(s.P99)} vs {Format.Ms(l.P99)}");
        }

        Log.Step($"7. Work queue: {rounds} × (next + release) per lender, as a collector of team {Team}");
        var queues = new Dictionary<string, (Latencies Next, Latencies Release, int Leased, int Empty, int Errors)>(StringComparer.Ordinal);
        var collectors = keys.ToDictionary(k => k.Key, k => Client(host, k.Value), StringComparer.Ordinal);
        try
        {
            foreach (var lender in keys.Keys)
            {
                queues[lender] = (new Latencies(1), new Latencies(1), 0, 0, 0);
            }

            // Round -1 is the warm-up, not kept.
            for (var round = -1; round < rounds; round++)
            {
                foreach (var lender in keys.Keys)
                {
                    if (round == 0)
                    {
                        queues[lender] = (new Latencies(rounds), new Latencies(rounds), 0, 0, 0);
                    }

                    var q = queues[lender];
                    var start = Stopwatch.GetTimestamp();
                    using var next = await collectors[lender].PostAsync($"/api/v1/lenders/{lender}/teams/{Team}/next", null, cancellationToken);
                    var body = await next.Content.ReadAsStringAsync(cancellationToken);
                    q.Next.AddSince(start);
                    if (next.StatusCode == HttpStatusCode.NoContent)
                    {
                        q.Empty++;
                    }
                    else if (next.StatusCode != HttpStatusCode.OK)
                    {
                        q.Errors++;
                        Log.Warn($"next ({lender}) answered {(int)next.StatusCode}: {body}");
                    }
                    else
                    {
                        q.Leased++;
                        var accountRef = JsonDocument.Parse(body).RootElement.GetProperty("accountRef").GetString();
                        start = Stopwatch.GetTimestamp();
                        using var release = await collectors[lender].PostAsync($"/api/v1/lenders/{lender}/teams/{Team}/leases/{accountRef}/release", null, cancellationToken);
                        q.Release.AddSince(start);
                        if (release.StatusCode != HttpStatusCode.NoContent)
                        {
                            q.Errors++;
                        }
                    }

                    queues[lender] = q;
                }
            }
        }
        finally
        {
            foreach (var collector in collectors.Values)
            {
                collector.Dispose();
            }
        }

        async Task<QueueFigures> Figures(string lender)
        {
            using var team = await admin.GetAsync($"/api/v1/lenders/{lender}/teams/{Team}", cancellationToken);
            var queued = (await team.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("queued").GetInt64();
            var q = queues[lender];
            return new QueueFigures(queued, q.Next.Summarize(), q.Release.Summarize(), q.Leased, q.Empty, q.Errors);
        }

        return new SearchResult(SmallAccounts, largeAccounts, rounds, filters, await Figures(SmallLender), await Figures(LargeLender));
    }

    private static HttpClient Client(HostUnderTest host, string key)
    {
        var http = new HttpClient { BaseAddress = host.Http, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Add("X-Api-Key", key);
        return http;
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, string path, object body, CancellationToken cancellationToken)
    {
        var response = await http.SendAsync(new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) }, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{method} {path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }

        return response;
    }

    /// <summary>The first page and, when there is one, the page after it; the items they held and how many failed.</summary>
    private static async Task<(int Items, int Errors)> TwoPagesAsync(HttpClient http, string lender, string query, Latencies latencies, CancellationToken cancellationToken)
    {
        var (items, errors) = (0, 0);
        string? cursor = null;
        for (var page = 0; page < 2 && (page == 0 || cursor is not null); page++)
        {
            var start = Stopwatch.GetTimestamp();
            using var response = await http.GetAsync(
                $"/api/v1/lenders/{lender}/accounts?{query}{(cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}")}", cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            latencies.AddSince(start);
            if (!response.IsSuccessStatusCode)
            {
                errors++;
                break;
            }

            var json = JsonDocument.Parse(body).RootElement;
            items += json.GetProperty("items").GetArrayLength();
            cursor = json.TryGetProperty("next", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        }

        return (items, errors);
    }

    public static IEnumerable<Row> Rows(SearchResult result)
    {
        const string s = "7. Search and work queue";
        var sizes = $"{Format.Count(result.SmallAccounts)} → {Format.Count(result.LargeAccounts)} accounts";
        foreach (var f in result.Filters)
        {
            yield return new(s, $"GET …/accounts?{f.Query}: page p50 / p99, {sizes} (pages {f.Small.Count} → {f.Large.Count}: a second page when the first had a next; items per page {f.SmallItems:0} → {f.LargeItems:0}){(f.Errors > 0 ? $"; {f.Errors} errors" : "")}",
                $"{Format.Ms(f.Small.P50)} / {Format.Ms(f.Small.P99)} → {Format.Ms(f.Large.P50)} / {Format.Ms(f.Large.P99)}",
                Ratio: $"p50 {Format.Factor(f.Large.P50 / f.Small.P50)}, p99 {Format.Factor(f.Large.P99 / f.Small.P99)}");
        }

        var (a, b) = (result.SmallQueue, result.LargeQueue);
        yield return new(s, $"POST …/teams/{{teamId}}/next p50 / p99, {Format.Count(a.Queued)} → {Format.Count(b.Queued)} queued (leased / nothing callable: {a.Leased} / {a.Empty} → {b.Leased} / {b.Empty}){(a.Errors + b.Errors > 0 ? $"; {a.Errors + b.Errors} errors" : "")}",
            $"{Format.Ms(a.Next.P50)} / {Format.Ms(a.Next.P99)} → {Format.Ms(b.Next.P50)} / {Format.Ms(b.Next.P99)}",
            Ratio: $"p50 {Format.Factor(b.Next.P50 / a.Next.P50)}, p99 {Format.Factor(b.Next.P99 / a.Next.P99)}");
        yield return new(s, "POST …/leases/{accountRef}/release p50 / p99, same",
            $"{Format.Ms(a.Release.P50)} / {Format.Ms(a.Release.P99)} → {Format.Ms(b.Release.P50)} / {Format.Ms(b.Release.P99)}",
            Ratio: $"p50 {Format.Factor(b.Release.P50 / a.Release.P50)}, p99 {Format.Factor(b.Release.P99 / a.Release.P99)}");
    }

}
