using System.Globalization;
using System.Text;
using System.Text.Json;
using Collections.Benchmarks.Measurement;
using Collections.Benchmarks.Scenarios;
using Spectre.Console;

namespace Collections.Benchmarks.Reporting;

/// <summary>One figure: ours, the peer's when there is one, their ratio, the target and whether it is met.</summary>
public sealed record Row(string Scenario, string Metric, string Ours, string Baseline = "", string Ratio = "", string Target = "", string Status = "");

/// <summary>Collects the results of a run and prints them as Spectre tables and as BENCHMARKS.md rows.</summary>
public sealed class Report(BenchmarkSettings settings, string commandLine, Machine machine)
{
    private const long GiB = 1L << 30;

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private readonly DateTimeOffset date = DateTimeOffset.UtcNow;
    private readonly Dictionary<string, object> raw = new(StringComparer.Ordinal);
    private OnboardingResult? ceiling;
    private OnboardingResult? grain;
    private OnboardingResult? http;
    private RestResult? rest;
    private ReadResult? read;
    private StormResult? storm;
    private StormResult? peerStorm;
    private BaselineResult? baseline;
    private long startupRss;
    private readonly List<Row> comparisons = [];

    public TimeSpan Elapsed { get; set; }

    public void Add(string what, long rss)
    {
        if (what == "startup")
        {
            startupRss = rss;
        }
    }

    public void Add(OnboardingResult result)
    {
        switch (result.Path)
        {
            case "ceiling":
                ceiling = result;
                break;
            case "grain":
                grain = result;
                break;
            default:
                http = result;
                break;
        }

        raw[$"onboarding-{result.Path}"] = result;
    }

    public void Add(RestResult result) => raw["rest"] = rest = result;

    public void Add(ReadResult result) => raw["read"] = read = result;

    public void Add(StormResult result, bool baseline)
    {
        if (baseline)
        {
            peerStorm = result;
        }
        else
        {
            storm = result;
        }

        raw[baseline ? "storm-peer" : "storm"] = result;
    }

    public void Add(BaselineResult result) => raw["baseline"] = baseline = result;

    /// <summary>A scenario that compares settings of our own within the run (A/B): its raw result and its rows, ratios included.</summary>
    public void Add(string key, object result, IEnumerable<Row> rows)
    {
        raw[key] = result;
        comparisons.AddRange(rows);
    }

    public IReadOnlyList<Row> Rows()
    {
        var rows = new List<Row>();
        var peerRate = baseline?.Rate;
        string Met(bool ok) => ok ? "met" : "**missed**";

        if (ceiling is { } c)
        {
            const string s = "0. Ceiling: minimal grain (state + one 30-day reminder), same Redis";
            rows.Add(new(s, $"accounts/s ({Format.Count(c.Accounts)} accounts)", Format.Rate(c.Rate)));
            rows.Add(Cpu(s, c));
            AddRedis(s, c);
            if (grain is { } g0)
            {
                var ratio = g0.Rate / c.Rate;
                rows.Add(new(s, "grain path ÷ ceiling, same run: accounts/s; CPU per account (host + Redis)",
                    string.Create(CultureInfo.InvariantCulture, $"{ratio * 100:0} %; {ServerCpu(g0) / ServerCpu(c):0.0}×"),
                    Target: "≥ 60 %", Status: Met(ratio >= 0.6)));
            }
        }

        if (grain is { } g)
        {
            const string s = "1. Onboarding, grain path";
            var ratio = peerRate is { } p ? g.Rate / p : double.NaN;
            rows.Add(new(s, $"accounts/s ({Format.Count(g.Accounts)} accounts{Peer(baseline?.Accounts)})", Format.Rate(g.Rate),
                peerRate is { } pr ? Format.Rate(pr) : "", Format.Ratio(ratio), "≥ 8,000/s; ≥ 20× peer",
                double.IsNaN(ratio) ? Met(g.Rate >= 8000) : $"{Met(g.Rate >= 8000)} / {Met(ratio >= 20)}"));
            rows.Add(new(s, $"batch latency p50 / p99 ({settings.BatchSize:N0} accounts, {settings.ParallelBatches} in flight)",
                $"{Format.Ms(g.Batches.P50)} / {Format.Ms(g.Batches.P99)}", baseline is { } b1 ? $"{Format.Ms(b1.Batches.P50)} / {Format.Ms(b1.Batches.P99)}" : ""));
            if (g.Calls is { } calls)
            {
                rows.Add(new(s, "per-account latency p50 / p99", $"{Format.Ms(calls.P50)} / {Format.Ms(calls.P99)}",
                    baseline is { } b2 ? $"{Format.Ms(b2.Calls.P50)} / {Format.Ms(b2.Calls.P99)}" : ""));
            }

            rows.Add(Cpu(s, g));
            AddRedis(s, g);
            if (g.Runtime is { } runtime)
            {
                rows.Add(new(s, "host .NET runtime per account (its /metrics)", runtime.Describe()));
            }

            rows.Add(new(s, "peak host RSS (VmHWM)", Format.Bytes(g.PeakRss)));
            rows.Add(new(s, "Redis memory after (used / RSS)", $"{Format.Bytes(g.RedisUsed)} / {Format.Bytes(g.RedisRss)}"));
            rows.Add(new(s, "failed calls", Format.Count(g.Failed), baseline is { } b3 ? Format.Count(b3.Failed) : "", Status: g.Failed == 0 ? "" : "**errors**"));
        }

        if (http is { } h)
        {
            const string s = "1. Onboarding, HTTP NDJSON import";
            var ratio = peerRate is { } p ? h.Rate / p : double.NaN;
            rows.Add(new(s, $"accounts/s ({Format.Count(h.Accounts)} accounts)", Format.Rate(h.Rate),
                peerRate is { } pr ? Format.Rate(pr) : "", Format.Ratio(ratio), "≥ 5,000/s", Met(h.Rate >= 5000)));
            rows.Add(new(s, $"request latency p50 / p99 ({settings.HttpBatch:N0} lines each, {settings.HttpParallel} in flight)",
                $"{Format.Ms(h.Batches.P50)} / {Format.Ms(h.Batches.P99)}"));
            rows.Add(Cpu(s, h));
            rows.Add(new(s, "peak host RSS (VmHWM)", Format.Bytes(h.PeakRss)));
            rows.Add(new(s, "created / rejected lines", $"{Format.Count(h.Outcomes.GetValueOrDefault("created"))} / {Format.Count(h.Failed)}",
                Status: h.Failed == 0 ? "" : "**errors**"));
        }

        if (storm is { } st)
        {
            const string s = "2. Escalation storm";
            var complete = st.Missing == 0 && st.EnteredBeforeDue == 0 && st.Escalated == st.Accounts;
            rows.Add(new(s, $"accounts escalated by their wake reminder ({(st.Cold ? "idle, activated from Redis" : "activations kept warm")})",
                $"{Format.Count(st.Escalated)} / {Format.Count(st.Accounts)}",
                peerStorm is { } ps0 ? $"{Format.Count(ps0.Escalated)} / {Format.Count(ps0.Accounts)}" : "",
                Status: complete ? "" : $"**{st.Missing:N0} missing, {st.EnteredBeforeDue:N0} entered while onboarding**"));
            rows.Add(new(s, "all escalated and persisted, after the due instant", Format.Seconds(st.AllPersistedAfterDue),
                peerStorm is { } ps1 ? Format.Seconds(ps1.AllPersistedAfterDue) : "", "", "≤ 60 s", Met(complete && st.AllPersistedAfterDue <= 60)));
            rows.Add(new(s, "reminder-fire lag p50 / p99 / max (StageEntered time − due)",
                $"{Format.Seconds(st.FireLag.P50)} / {Format.Seconds(st.FireLag.P99)} / {Format.Seconds(st.FireLag.Max)}",
                peerStorm is { } ps2 ? $"{Format.Seconds(ps2.FireLag.P50)} / {Format.Seconds(ps2.FireLag.P99)} / {Format.Seconds(ps2.FireLag.Max)}" : "",
                "", "p99 ≤ 30 s", Met(st.FireLag.P99 <= 30)));
            rows.Add(new(s, "persisted lag p50 / p99 (log appended and fsynced − due)",
                $"{Format.Seconds(st.PersistLag.P50)} / {Format.Seconds(st.PersistLag.P99)}",
                peerStorm is { } ps3 ? $"{Format.Seconds(ps3.PersistLag.P50)} / {Format.Seconds(ps3.PersistLag.P99)}" : ""));
            rows.Add(new(s, "storm throughput (escalations/s, first to last persisted)",
                Format.Rate(st.Escalated / Math.Max(0.001, st.AllPersistedAfterDue - st.FirstPersistedAfterDue)),
                peerStorm is { } ps4 ? Format.Rate(ps4.Escalated / Math.Max(0.001, ps4.AllPersistedAfterDue - ps4.FirstPersistedAfterDue)) : ""));
            rows.Add(new(s, "peak host RSS during the storm", Format.Bytes(st.PeakRss)));
            if (st.Cpu.Length >= 2)
            {
                rows.Add(new(s, "CPU per escalation: host + Redis (due instant to end of storm)",
                    string.Create(CultureInfo.InvariantCulture, $"{st.Cpu[0] * 1000 / Math.Max(1, st.Escalated):0.00} + {st.Cpu[1] * 1000 / Math.Max(1, st.Escalated):0.00} ms")));
            }

            if (st.ActiveAtDue >= 0)
            {
                rows.Add(new(s, "activations still alive when the storm began", Format.Count(st.ActiveAtDue)));
            }
        }

        if (rest is { } r)
        {
            const string s = "3. Memory at rest";
            var full = r.Accounts >= 1_000_000;
            rows.Add(new(s, $"host RSS at rest, {Format.Count(r.Accounts)} accounts (end of {r.Rest.TotalSeconds:0} s idle window)", Format.Bytes(r.RssAtRest),
                Target: "≤ 1.5 GiB with 1M", Status: full ? Met(r.RssAtRest <= 1.5 * GiB) : $"n/a at N = {Format.Count(r.Accounts)}"));
            rows.Add(new(s, "host RSS: empty / loaded / after collection / max in idle window / after induced full GC",
                $"{Format.Bytes(startupRss)} / {Format.Bytes(r.RssLoaded)} / {Format.Bytes(r.RssAfterCollection)} / {Format.Bytes(r.RssMaxDuringRest)} / {Format.Bytes(r.RssAfterGc)}"));
            rows.Add(new(s, "RSS above the empty host, per account at rest",
                string.Create(CultureInfo.InvariantCulture, $"{(r.RssAtRest - startupRss) / (double)r.Accounts:0} B")));
            rows.Add(new(s, $"activations before → after collection ({r.Mode}, {r.CollectionTook.TotalSeconds:0} s)",
                $"{Format.Count(r.ActivationsLoaded)} → {Format.Count(r.ActivationsAfter)}"));
            rows.Add(new(s, "idle host CPU: all activations alive / during the idle window after collection",
                string.Create(CultureInfo.InvariantCulture, $"{r.IdleCpuLoaded * 100:0}% / {r.IdleCpuAtRest * 100:0}% of a core")));
            rows.Add(new(s, "Redis memory (used / RSS)", $"{Format.Bytes(r.RedisUsed)} / {Format.Bytes(r.RedisRss)}"));
        }

        if (read is { } rd)
        {
            const string s = "4. Account GET, open loop";
            rows.Add(new(s, $"latency p50 / p99 / p99.9 / max at {rd.Rate:N0}/s for {rd.Duration.TotalSeconds:0} s (from scheduled send)",
                $"{Format.Ms(rd.Latency.P50)} / {Format.Ms(rd.Latency.P99)} / {Format.Ms(rd.Latency.P999)} / {Format.Ms(rd.Latency.Max)}",
                Target: "p99 ≤ 10 ms", Status: Met(rd.Latency.P99 <= 10 && rd.Errors == 0)));
            rows.Add(new(s, $"requests / achieved rate / errors ({Format.Count(rd.Accounts)} accounts, uniform)",
                $"{Format.Count(rd.Sent)} / {Format.Rate(rd.AchievedRate)} / {Format.Count(rd.Errors)}"));
            rows.Add(new(s, "CPU per request: host + Redis",
                string.Create(CultureInfo.InvariantCulture, $"{rd.HostCpuPerRequestMs:0.00} + {rd.RedisCpuPerRequestMs:0.00} ms ({rd.HostCpuPerRequestMs * rd.Rate / 10:0}% of a core at {rd.Rate:N0}/s)")));
            if (rd.Runtime is { } runtime)
            {
                rows.Add(new(s, "host .NET runtime per request (its /metrics)", runtime.Describe()));
            }
        }

        if (baseline is { } bl)
        {
            const string s = "5. Peer baseline";
            rows.Add(new(s, "PostgreSQL + Hangfire.PostgreSql", "",
                $"PostgreSQL {bl.PostgresVersion}, {bl.Concurrency} concurrent onboardings, {bl.Workers} Hangfire workers; {Format.Count(bl.Accounts)} accounts onboarded" +
                (bl.Storm is { } sb ? $", storm of {Format.Count(sb.Accounts)}" : "")));
        }

        rows.AddRange(comparisons);
        return rows;

        Row Cpu(string scenario, OnboardingResult result)
        {
            var perAccount = result.Cpu.Select(c => c * 1000 / result.Accounts).ToArray();
            var serverSide = perAccount.Length >= 2 ? perAccount[0] + perAccount[1] : double.NaN;
            return new(scenario, "CPU per account: host + Redis (+ load generator), and the rate that CPU allows on this machine's cores",
                perAccount.Length >= 3
                    ? string.Create(CultureInfo.InvariantCulture, $"{perAccount[0]:0.00} + {perAccount[1]:0.00} (+ {perAccount[2]:0.00}) ms → {Format.Rate(machine.Cores * 1000 / serverSide)}")
                    : "");
        }

        void AddRedis(string scenario, OnboardingResult result)
        {
            if (result.Redis is { } redis)
            {
                rows.Add(new(scenario, "Redis per account: commands (by name; a script's commands counted too); bytes in / out; memory",
                    string.Create(CultureInfo.InvariantCulture, $"{redis.Describe()}; {redis.BytesIn:N0} B / {redis.BytesOut:N0} B; {redis.Memory:N0} B")));
            }
        }

        static double ServerCpu(OnboardingResult result) => result.Cpu.Length >= 2 ? result.Cpu[0] + result.Cpu[1] : double.NaN;

        static string Peer(int? accounts) => accounts is { } n ? $"; peer {Format.Count(n)}" : "";
    }

    public void Print()
    {
        foreach (var group in Rows().GroupBy(r => r.Scenario))
        {
            var table = new Table().Title($"[bold]{Markup.Escape(group.Key)}[/]").Border(TableBorder.Rounded);
            table.AddColumns("Metric", "Collections.Orleans", "Peer (PostgreSQL + Hangfire)", "Ratio", "Target", "");
            foreach (var row in group)
            {
                table.AddRow(Markup.Escape(row.Metric), Markup.Escape(row.Ours), Markup.Escape(row.Baseline), Markup.Escape(row.Ratio), Markup.Escape(row.Target),
                    row.Status.Contains("missed", StringComparison.Ordinal) || row.Status.Contains("errors", StringComparison.Ordinal) || row.Status.Contains("missing", StringComparison.Ordinal)
                        ? $"[red]{Markup.Escape(row.Status.Replace("**", "", StringComparison.Ordinal))}[/]"
                        : $"[green]{Markup.Escape(row.Status)}[/]");
            }

            AnsiConsole.Write(table);
        }
    }

    public string Markdown()
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"### {date:yyyy-MM-dd HH:mm} UTC — N = {settings.Accounts:N0}{(settings.Quick ? " (--quick)" : "")}");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"- Command: `{commandLine}`");
        var postgres = baseline is { } b ? $", PostgreSQL {b.PostgresVersion}" : "";
        md.AppendLine(CultureInfo.InvariantCulture,
            $"- Machine: {machine.Cores} cores ({machine.Cpu}), {Format.Bytes(machine.Memory)} RAM (/proc/meminfo), Linux {machine.Kernel}, {machine.Runtime}, Redis {machine.Redis}{postgres}; load average at start {machine.LoadAverage}");
        md.AppendLine(CultureInfo.InvariantCulture, $"- Build: {machine.Build}");
        md.AppendLine(CultureInfo.InvariantCulture,
            $"- Sizes: grain path {settings.Accounts:N0}, HTTP import {settings.HttpAccounts:N0}, storm {settings.StormAccounts:N0}, peer {settings.BaselineAccounts:N0} (peer storm {settings.BaselineStormAccounts:N0}); whole run {Elapsed.TotalSeconds:0} s");
        md.AppendLine();
        md.AppendLine("| Scenario | Metric | Collections.Orleans | Peer (PostgreSQL + Hangfire) | Ratio | Target | |");
        md.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var row in Rows())
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {row.Scenario} | {row.Metric} | {row.Ours} | {row.Baseline} | {row.Ratio} | {row.Target} | {row.Status} |");
        }

        return md.ToString();
    }

    public async Task WriteAsync(string directory)
    {
        await File.WriteAllTextAsync(Path.Combine(directory, "results.md"), Markdown());
        var json = JsonSerializer.Serialize(new { date, commandLine, machine, settings = settings with { }, results = raw, elapsedSeconds = Elapsed.TotalSeconds }, Json);
        await File.WriteAllTextAsync(Path.Combine(directory, "results.json"), json);
    }
}
