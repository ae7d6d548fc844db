using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Collections.Benchmarks.Infrastructure;
using Collections.Benchmarks.Measurement;
using Collections.Benchmarks.Workload;
using Collections.Domain;
using Collections.Domain.Strategies;
using Collections.Grains.Storage;
using StackExchange.Redis;

namespace Collections.Benchmarks.Scenarios;

public sealed record StormResult(
    string System, int Accounts, TimeSpan Lead, double OnboardingRate, bool Cold, int Escalated, int EnteredBeforeDue, int Missing,
    double AllPersistedAfterDue, double FirstPersistedAfterDue, Summary FireLag, Summary PersistLag, long PeakRss)
{
    /// <summary>Activations still alive when the storm began (-1: not collected on purpose, or the peer).</summary>
    public int ActiveAtDue { get; init; } = -1;

    /// <summary>CPU seconds of host and Redis from the due instant to the end of the storm.</summary>
    public double[] Cpu { get; init; } = [];
}

/// <summary>
/// The storm's calendar: accounts due on <see cref="DueDate"/> (UTC debtors) are in Notice at DPD 3 and
/// reach Early (threshold 4) at <see cref="Due"/>, 00:00 UTC of a business day. The clock is started at
/// <see cref="Due"/> − lead, so that the threshold falls shortly after the accounts are onboarded.
/// </summary>
public sealed record StormCalendar(DateTimeOffset Due, DateOnly DueDate, TimeSpan Lead)
{
    public static StormCalendar Create(TimeSpan lead)
    {
        var dueDay = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(2);
        var due = new DateTimeOffset(dueDay.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        return new StormCalendar(due, dueDay.AddDays(-StrategyDocument.Default.Stages.Early), lead);
    }

    public DateTimeOffset ClockStart => Due - Lead;

    public Portfolio Portfolio(string lenderId, string prefix) => new(lenderId, prefix, _ => DueDate, _ => "UTC");
}

/// <summary>
/// Scenario 2 on our system: the storm accounts are onboarded through the grain path on a host whose
/// clock starts at <see cref="StormCalendar.ClockStart"/>; their activations are then collected (unless
/// warm), so that the storm is of idle accounts that must be activated from Redis, as in production.
/// Each account's wake reminder fires at <see cref="StormCalendar.Due"/>; the tick records StageEntered
/// (Early) and appends it to the account's log in Redis.
/// <list type="bullet">
/// <item>persisted: Redis keyspace notifications for list writes (<c>notify-keyspace-events Kl</c>, set on
/// this run's own Redis only) give the moment each account's log was appended; with
/// <c>appendfsync always</c> Redis delivers them only after the write is fsynced;</item>
/// <item>fire lag: from the StageEntered event's own timestamp (business time at the tick, real time at
/// speed 1) minus the due instant, read afterwards from every account's log in Redis.</item>
/// </list>
/// </summary>
public static class EscalationStorm
{
    public static async Task<StormResult> RunAsync(
        HostUnderTest host, StormCalendar calendar, Portfolio portfolio, int count, int batchSize, int parallelBatches, bool cold, CancellationToken cancellationToken)
    {
        var redis = host.Redis ?? throw new InvalidOperationException("The storm reads the accounts' logs from Redis: run it with --provider Redis.");
        await using var connection = await redis.ConnectAsync();
        var clock = JsonDocument.Parse((string)(await connection.GetDatabase().StringGetAsync($"{HostUnderTest.ServiceId}/clock"))!).RootElement;
        var start = clock.GetProperty("start").GetDateTimeOffset();
        var anchor = clock.GetProperty("anchor").GetDateTimeOffset();
        var speed = clock.GetProperty("speed").GetDouble();
        var realDue = anchor + ((calendar.Due - start) / speed);
        Log.Info($"storm: {count:N0} accounts fall due at {calendar.Due:u} business = {realDue.ToLocalTime():HH:mm:ss} real, in {(realDue - DateTimeOffset.UtcNow).TotalSeconds:0} s");

        var onboarding = await GrainOnboarding.RunAsync(host, portfolio, 0, count, batchSize, parallelBatches, "storm onboarding", cancellationToken);
        var afterOnboarding = realDue - DateTimeOffset.UtcNow;

        // Every append to an account's log from now on is the storm's (nothing else writes to these accounts).
        var persisted = new long[count];
        var server = connection.GetServer("127.0.0.1", redis.Port);
        await server.ConfigSetAsync("notify-keyspace-events", "Kl");
        var prefix = $"__keyspace@0__:{HostUnderTest.ServiceId}/accounts/{{{portfolio.LenderId}/";
        var refPrefix = portfolio.Ref(0)[..^8];
        var seen = 0;
        var subscriber = connection.GetSubscriber();
        await subscriber.SubscribeAsync(RedisChannel.Pattern(prefix + "*"), (channel, _) =>
        {
            var now = Stopwatch.GetTimestamp();
            var name = channel.ToString();
            var refStart = prefix.Length + refPrefix.Length;
            var end = name.IndexOf('}', refStart);
            if (end > refStart && int.TryParse(name.AsSpan(refStart, end - refStart), NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < count
                && Interlocked.CompareExchange(ref persisted[i], now, 0) == 0)
            {
                Interlocked.Increment(ref seen);
            }
        });

        var activeAtDue = -1;
        if (cold)
        {
            // Collected as the silo's idle collector would (idle ≥ 1 s); retried because accounts onboarded in the
            // last second are not idle yet at the first call.
            var management = host.Client.GetGrain<IManagementGrain>(0);
            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            int active;
            while ((active = await management.GetTotalActivationCount(cancellationToken)) > Math.Max(200, count / 100) && DateTimeOffset.UtcNow < realDue)
            {
                await management.ForceActivationCollection(TimeSpan.FromSeconds(1), cancellationToken);
                await Task.Delay(1000, cancellationToken);
            }

            activeAtDue = active;
            Log.Info($"storm: {active:N0} activations left before the due instant");
        }

        var untilDue = realDue - DateTimeOffset.UtcNow;
        if (afterOnboarding < TimeSpan.Zero)
        {
            Log.Warn($"storm: onboarding ended {-afterOnboarding.TotalSeconds:0} s after the accounts fell due; accounts onboarded late entered Early while onboarding and are counted apart");
        }
        else if (untilDue < TimeSpan.Zero)
        {
            Log.Warn($"storm: collecting the onboarded activations took until {-untilDue.TotalSeconds:0} s after the due instant; the first ticks met warm activations");
        }
        else
        {
            Log.Info($"storm: onboarded at {onboarding.Rate:N0}/s and collected; waiting {untilDue.TotalSeconds:0} s for the due instant");
        }

        // Stopwatch time of the due instant, to compare with the notification timestamps.
        var dueTimestamp = Stopwatch.GetTimestamp() + (long)((realDue - DateTimeOffset.UtcNow).TotalSeconds * Stopwatch.Frequency);
        await using var rss = new RssSampler(host.Pid);
        var stormCpu = new CpuMeter(host.Pid, redis.Process.Pid);
        var timeout = realDue + TimeSpan.FromSeconds(Math.Max(180, count / 500.0));
        using (Progress.Every(TimeSpan.FromSeconds(5), () => $"storm: {Volatile.Read(ref seen):N0}/{count:N0} escalations persisted, host RSS {Format.Bytes(rss.Last)}"))
        {
            while (Volatile.Read(ref seen) < count && DateTimeOffset.UtcNow < timeout)
            {
                await Task.Delay(200, cancellationToken);
            }
        }

        var stormCpuUsed = stormCpu.Elapsed();
        await subscriber.UnsubscribeAllAsync();

        // Read every account's log: the StageEntered (Early) event and who recorded it.
        var store = new RedisAccountEventStore(connection, HostUnderTest.ServiceId);
        var lags = new double[count];
        var entered = new int[count]; // 0 missing, 1 by the wake tick, 2 while onboarding
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 64, CancellationToken = cancellationToken }, async (i, _) =>
        {
            foreach (var json in await store.ReadEventsAsync(portfolio.Key(i), 0, 100))
            {
                using var e = JsonDocument.Parse(json);
                var root = e.RootElement;
                if (root.GetProperty("type").GetString() == "StageEntered" && root.GetProperty("data").GetProperty("stage").GetString() == nameof(Stage.Early))
                {
                    var system = root.GetProperty("actor").GetString() == "system";
                    entered[i] = system ? 1 : 2;
                    lags[i] = (root.GetProperty("at").GetDateTimeOffset() - calendar.Due).TotalSeconds;
                }
            }
        });

        var ticked = Enumerable.Range(0, count).Where(i => entered[i] == 1).ToList();
        var persistLags = ticked.Where(i => persisted[i] != 0).Select(i => (persisted[i] - dueTimestamp) / (double)Stopwatch.Frequency).ToList();
        return new StormResult(
            "Collections.Orleans (Redis)", count, calendar.Lead, onboarding.Rate, cold,
            ticked.Count, entered.Count(e => e == 2), entered.Count(e => e == 0),
            persistLags.Count == 0 ? double.NaN : persistLags.Max(), persistLags.Count == 0 ? double.NaN : persistLags.Min(),
            Percentiles.Of(ticked.Select(i => lags[i])), Percentiles.Of(persistLags), rss.Max)
        {
            ActiveAtDue = activeAtDue,
            Cpu = stormCpuUsed,
        };
    }

    /// <summary>The same storm on the peer: jobs scheduled for the due instant, counted as they commit.</summary>
    public static async Task<StormResult> RunPeerAsync(
        HangfirePeer peer, StormCalendar calendar, Portfolio portfolio, int count, int batchSize, int concurrency, CancellationToken cancellationToken)
    {
        var anchor = DateTimeOffset.UtcNow;
        peer.Clock = new Grains.Time.BusinessClock(TimeProvider.System, calendar.ClockStart, anchor, 1);
        var realDue = anchor + calendar.Lead;
        var persisted = new DateTimeOffset?[count];
        var decided = new DateTimeOffset?[count];
        var seen = 0;
        var refPrefix = portfolio.Ref(0)[..^8];
        peer.Escalated = (accountRef, decidedAt, committedAt) =>
        {
            if (accountRef.StartsWith(refPrefix, StringComparison.Ordinal) && int.TryParse(accountRef.AsSpan(refPrefix.Length), CultureInfo.InvariantCulture, out var i) && i < count
                && persisted[i] is null)
            {
                persisted[i] = committedAt;
                decided[i] = decidedAt;
                Interlocked.Increment(ref seen);
            }
        };
        Log.Info($"peer storm: {count:N0} accounts fall due in {calendar.Lead.TotalSeconds:0} s");
        var (elapsed, _, _, _) = await HangfireBaseline.OnboardAsync(peer, portfolio, count, batchSize, concurrency, "peer storm onboarding", cancellationToken);
        var untilDue = realDue - DateTimeOffset.UtcNow;
        if (untilDue < TimeSpan.Zero)
        {
            Log.Warn($"peer storm: onboarding ended {-untilDue.TotalSeconds:0} s after the accounts fell due");
        }

        var timeout = realDue + TimeSpan.FromSeconds(Math.Max(240, count / 20.0));
        using (Progress.Every(TimeSpan.FromSeconds(5), () => $"peer storm: {Volatile.Read(ref seen):N0}/{count:N0} escalations committed"))
        {
            while (Volatile.Read(ref seen) < count && DateTimeOffset.UtcNow < timeout)
            {
                await Task.Delay(200, cancellationToken);
            }
        }

        peer.Escalated = null;
        var lags = persisted.Where(p => p is not null).Select(p => (p!.Value - realDue).TotalSeconds).ToList();
        var fireLags = decided.Where(d => d is not null).Select(d => (d!.Value - calendar.Due).TotalSeconds).ToList();
        return new StormResult(
            "PostgreSQL + Hangfire", count, calendar.Lead, count / elapsed.TotalSeconds, Cold: false, lags.Count, 0, count - lags.Count,
            lags.Count == 0 ? double.NaN : lags.Max(), lags.Count == 0 ? double.NaN : lags.Min(), Percentiles.Of(fireLags), Percentiles.Of(lags), 0);
    }
}
