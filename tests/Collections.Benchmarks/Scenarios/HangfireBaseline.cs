using System.Collections.Immutable;
using System.Diagnostics;
using System.Text.Json;
using Collections.Benchmarks.Infrastructure;
using Collections.Benchmarks.Measurement;
using Collections.Benchmarks.Workload;
using Collections.Domain;
using Collections.Domain.Accounts;
using Collections.Domain.Events;
using Collections.Domain.Strategies;
using Collections.Grains.Time;
using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Npgsql;
using NpgsqlTypes;

namespace Collections.Benchmarks.Scenarios;

public sealed record BaselineResult(
    int Accounts, TimeSpan Elapsed, Summary Batches, Summary Calls, long Failed, string PostgresVersion, int Concurrency, int Workers,
    StormResult? Storm)
{
    public double Rate => Accounts / Elapsed.TotalSeconds;
}

/// <summary>
/// Scenario 5: what a lender's team would otherwise build. A PostgreSQL <c>accounts</c> table (state
/// as JSON, like our snapshot) with an <c>account_events</c> audit table, and one Hangfire scheduled job
/// per account for its next wake (Hangfire.Core + Hangfire.PostgreSql, in the same database). Decisions
/// are the same pure functions as the account grain's (<see cref="AccountLifecycle"/>, the default
/// strategy, the same business calendar), so only the infrastructure differs:
/// <list type="bullet">
/// <item>onboarding: one transaction that reads the row (FOR UPDATE), inserts or updates it and appends
/// the events; then <c>BackgroundJobClient.Schedule</c> of the escalation job at the next wake;</item>
/// <item>the job: the same read–decide–write transaction with <see cref="AccountLifecycle.Advance"/>,
/// then schedules the next job (the stage after).</item>
/// </list>
/// Durability is PostgreSQL's default (fsync on, synchronous_commit on), as Redis's appendfsync always.
/// </summary>
public sealed class HangfirePeer : IAsyncDisposable
{
    public const string Actor = "benchmark";

    private static readonly StrategyInForce Latest = new(new StrategyRef("standard", 1, StrategyVariant.Champion), StrategyDocument.Default);

    private readonly NpgsqlDataSource data;
    private readonly PostgreSqlStorage storage;
    private readonly BackgroundJobClient jobs;
    private BackgroundJobServer? server;

    private HangfirePeer(NpgsqlDataSource data, PostgreSqlStorage storage, BusinessClock clock)
    {
        this.data = data;
        this.storage = storage;
        jobs = new BackgroundJobClient(storage);
        Clock = clock;
    }

    /// <summary>The peer's business clock; replaced between phases (jobs read it when they run).</summary>
    public BusinessClock Clock { get; set; }

    /// <summary>Called after each escalation job has committed: (accountRef, business time of the decision, real commit time).</summary>
    public Action<string, DateTimeOffset, DateTimeOffset>? Escalated { get; set; }

    public static async Task<HangfirePeer> CreateAsync(PostgresServer postgres, BusinessClock clock, int workers, CancellationToken cancellationToken)
    {
        var data = NpgsqlDataSource.Create(postgres.ConnectionString(maxPool: 100));
        await using (var command = data.CreateCommand(
            """
            CREATE TABLE accounts (
              lender_id text NOT NULL, account_ref text NOT NULL, version bigint NOT NULL, stage text,
              next_wake_at timestamptz, state jsonb NOT NULL, updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
              PRIMARY KEY (lender_id, account_ref));
            CREATE TABLE account_events (
              lender_id text NOT NULL, account_ref text NOT NULL, seq bigint NOT NULL, at timestamptz NOT NULL,
              type text NOT NULL, actor text NOT NULL, body jsonb NOT NULL,
              PRIMARY KEY (lender_id, account_ref, seq));
            """))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        var options = new PostgreSqlStorageOptions
        {
            PrepareSchemaIfNecessary = true,
            // Hangfire.PostgreSql's defaults poll the queue every 15 s; a team would shorten that for escalations.
            QueuePollInterval = TimeSpan.FromSeconds(1),
            EnableLongPolling = true,
            DistributedLockTimeout = TimeSpan.FromMinutes(1),
        };
        var storage = new PostgreSqlStorage(new NpgsqlConnectionFactory(postgres.ConnectionString(maxPool: 100), options), options);
        var peer = new HangfirePeer(data, storage, clock);
        peer.server = new BackgroundJobServer(
            new BackgroundJobServerOptions
            {
                WorkerCount = workers,
                SchedulePollingInterval = TimeSpan.FromSeconds(1),
                ServerName = "bench-peer",
                Activator = new PeerActivator(peer),
            },
            storage);
        return peer;
    }

    /// <summary>Upserts one lender record, as our import does, and schedules its next wake.</summary>
    public async Task OnboardAsync(string lenderId, AccountRecord record, CancellationToken cancellationToken)
    {
        await using var connection = await data.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var state = await LoadAsync(connection, lenderId, record.AccountRef, cancellationToken);
        var now = Clock.Now;
        var (_, decision) = AccountLifecycle.Upsert(state, lenderId, record, now, Latest);
        if (decision.Events.IsEmpty)
        {
            return;
        }

        var next = await AppendAsync(connection, lenderId, record.AccountRef, state, [.. decision.Events.Select(e => (e, Actor))], now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        Schedule(lenderId, record.AccountRef, next);
    }

    /// <summary>The escalation job: what is due now, persisted, then the next wake scheduled.</summary>
    public async Task EscalateAsync(string lenderId, string accountRef)
    {
        await using var connection = await data.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var state = await LoadAsync(connection, lenderId, accountRef, CancellationToken.None);
        if (state is null)
        {
            return;
        }

        var now = Clock.Now;
        var events = AccountLifecycle.Advance(state, now, Latest.Rules, Latest);
        var next = state;
        if (!events.IsEmpty)
        {
            next = await AppendAsync(connection, lenderId, accountRef, state, [.. events.Select(e => (e, "system"))], now, CancellationToken.None);
            await transaction.CommitAsync();
            Escalated?.Invoke(accountRef, now, DateTimeOffset.UtcNow);
        }

        Schedule(lenderId, accountRef, next);
    }

    private void Schedule(string lenderId, string accountRef, AccountState state)
    {
        if (AccountLifecycle.NextWake(state, Latest.Rules) is { } wake)
        {
            jobs.Schedule<PeerJob>(job => job.RunAsync(lenderId, accountRef), Clock.RealDelayUntil(wake.At));
        }
    }

    private static async Task<AccountState?> LoadAsync(NpgsqlConnection connection, string lenderId, string accountRef, CancellationToken cancellationToken)
    {
        await using var select = new NpgsqlCommand("SELECT state FROM accounts WHERE lender_id = $1 AND account_ref = $2 FOR UPDATE", connection)
        {
            Parameters = { new() { Value = lenderId }, new() { Value = accountRef } },
        };
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return JsonSerializer.Deserialize<AccountState>(reader.GetString(0), DomainJson.Options);
    }

    private static async Task<AccountState> AppendAsync(
        NpgsqlConnection connection, string lenderId, string accountRef, AccountState? state,
        ImmutableArray<(AccountEventData Data, string Actor)> events, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var batch = new NpgsqlBatch(connection);
        var next = state;
        foreach (var (data, actor) in events)
        {
            var e = new AccountEvent((next?.Version ?? 0) + 1, now, actor, data);
            next = AccountLifecycle.Apply(next, e);
            batch.BatchCommands.Add(new NpgsqlBatchCommand(
                "INSERT INTO account_events (lender_id, account_ref, seq, at, type, actor, body) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            {
                Parameters =
                {
                    new() { Value = lenderId }, new() { Value = accountRef }, new() { Value = e.Seq }, new() { Value = now },
                    new() { Value = e.Type }, new() { Value = actor }, new() { Value = AccountEventJson.Serialize(e), NpgsqlDbType = NpgsqlDbType.Jsonb },
                },
            });
        }

        var wake = AccountLifecycle.NextWake(next!, Latest.Rules);
        batch.BatchCommands.Add(new NpgsqlBatchCommand(
            """
            INSERT INTO accounts (lender_id, account_ref, version, stage, next_wake_at, state) VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (lender_id, account_ref) DO UPDATE SET version = $3, stage = $4, next_wake_at = $5, state = $6, updated_at = clock_timestamp()
            """)
        {
            Parameters =
            {
                new() { Value = lenderId }, new() { Value = accountRef }, new() { Value = next!.Version },
                new() { Value = (object?)next.Stage?.ToString() ?? DBNull.Value }, new() { Value = (object?)wake?.At ?? DBNull.Value },
                new() { Value = JsonSerializer.Serialize(next, DomainJson.Options), NpgsqlDbType = NpgsqlDbType.Jsonb },
            },
        });
        await using (batch)
        {
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }

        return next;
    }

    public async ValueTask DisposeAsync()
    {
        if (server is not null)
        {
            server.SendStop();
            await Task.Run(server.Dispose);
        }

        await data.DisposeAsync();
    }

    private sealed class PeerActivator(HangfirePeer peer) : JobActivator
    {
        public override object ActivateJob(Type jobType) =>
            jobType == typeof(PeerJob) ? new PeerJob(peer) : base.ActivateJob(jobType);
    }
}

/// <summary>The Hangfire job type: one escalation of one account.</summary>
public sealed class PeerJob(HangfirePeer peer)
{
    public Task RunAsync(string lenderId, string accountRef) => peer.EscalateAsync(lenderId, accountRef);
}

/// <summary>Onboarding through the peer, with the same batch structure as the grain path.</summary>
public static class HangfireBaseline
{
    public static async Task<(TimeSpan Elapsed, Summary Batches, Summary Calls, long Failed)> OnboardAsync(
        HangfirePeer peer, Portfolio portfolio, int count, int batchSize, int concurrency, string label, CancellationToken cancellationToken)
    {
        var batches = new Latencies(count / batchSize + 1);
        var calls = new Latencies(count);
        long failed = 0, done = 0;
        string? firstError = null;
        var started = Stopwatch.GetTimestamp();
        using var progress = Progress.Every(TimeSpan.FromSeconds(5), () =>
        {
            var n = Interlocked.Read(ref done);
            return $"{label}: {n:N0}/{count:N0} accounts, {n / Stopwatch.GetElapsedTime(started).TotalSeconds:N0}/s";
        });
        for (var first = 0; first < count; first += batchSize)
        {
            var last = Math.Min(first + batchSize, count);
            var batchStart = Stopwatch.GetTimestamp();
            await Parallel.ForEachAsync(Enumerable.Range(first, last - first), new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken }, async (i, ct) =>
            {
                var start = Stopwatch.GetTimestamp();
                try
                {
                    await peer.OnboardAsync(portfolio.LenderId, portfolio.Record(i), ct);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    Interlocked.Increment(ref failed);
                    Interlocked.CompareExchange(ref firstError, $"{ex.GetType().Name}: {ex.Message}", null);
                }

                calls.AddSince(start);
                Interlocked.Increment(ref done);
            });
            batches.AddSince(batchStart);
        }

        if (firstError is not null)
        {
            Log.Warn($"{label}: {failed:N0} accounts failed; first: {firstError}");
        }

        return (Stopwatch.GetElapsedTime(started), batches.Summarize(), calls.Summarize(), failed);
    }
}
