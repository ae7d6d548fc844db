using System.Collections.Concurrent;
using StackExchange.Redis;

namespace Collections.Grains.Storage;

/// <summary>
/// Group commit for the grains' small Redis scripts. An account's commit runs a handful of scripts (append,
/// feed, portfolio, index, work queue), each a round trip and an EVALSHA of its own; under load thousands of
/// accounts run the same script at once. Calls of one script that arrive while an earlier batch of it is in
/// flight wait and go together as one EVAL of a driver that runs the script's body once per call, each in
/// <c>pcall</c>, and returns each call's own result or error. A lone call goes alone, as before: batching
/// adds no wait at low load.
/// </summary>
/// <remarks>
/// Each call's body still runs atomically (a script runs whole), and calls of one batch run in arrival order.
/// A batch is one script, so on a Redis Cluster its keys must share a slot: calls are grouped by the slot of
/// their first key, which every caller's keys share (they carry one hash tag). On a single Redis node any
/// calls of one script batch together. A failed EVAL fails every call of the batch; the scripts batched
/// here are idempotent (version or compare-and-set guarded), so their callers' retries are safe even when
/// part of a batch was applied before the failure.
/// </remarks>
public sealed class RedisScriptBatcher(IConnectionMultiplexer redis)
{
    /// <summary>Calls per EVAL: bounds the time one batch holds Redis (a few milliseconds).</summary>
    public const int MaxBatch = 128;

    /// <summary>EVALs of one group in flight at once: one fills while the other is in Redis.</summary>
    private const int MaxInFlight = 2;

    private readonly ConcurrentDictionary<(BatchedScript Script, int Slot), Group> groups = new();

    /// <summary>0 until known, then 1 for a single node or 2 for a Redis Cluster (an int: written by any caller's thread).</summary>
    private volatile int topology;

    /// <summary>Runs <paramref name="script"/> with these keys and arguments, alone or in a batch; its own result.</summary>
    public Task<RedisResult> EvaluateAsync(BatchedScript script, RedisKey[] keys, RedisValue[] args)
    {
        var group = groups.GetOrAdd((script, Clustered ? redis.HashSlot(keys[0]) : 0), _ => new Group());
        var call = new Call(keys, args);
        bool send;
        lock (group)
        {
            group.Waiting.Enqueue(call);
            send = group.InFlight < MaxInFlight;
            if (send)
            {
                group.InFlight++;
            }
        }

        if (send)
        {
            _ = SendAsync(script, group);
        }

        return call.Result.Task;
    }

    /// <summary>Whether the connection is to a Redis Cluster; until the connection knows, assumed so (the grouping that is always safe).</summary>
    private bool Clustered
    {
        get
        {
            if (topology != 0)
            {
                return topology == 2;
            }

            var servers = redis.GetServers();
            if (!redis.IsConnected || servers.Length == 0)
            {
                return true;
            }

            topology = servers.Any(s => s.ServerType == ServerType.Cluster) ? 2 : 1;
            return topology == 2;
        }
    }

    /// <summary>
    /// Sends what waits in the group until nothing does. Never resumes on the caller's context: it is started
    /// from a grain's turn, and must not run later batches on that account's scheduler.
    /// </summary>
    private async Task SendAsync(BatchedScript script, Group group)
    {
        while (true)
        {
            List<Call> batch;
            lock (group)
            {
                if (group.Waiting.Count == 0)
                {
                    group.InFlight--;
                    return;
                }

                batch = new(Math.Min(group.Waiting.Count, MaxBatch));
                while (batch.Count < MaxBatch && group.Waiting.TryDequeue(out var next))
                {
                    batch.Add(next);
                }
            }

            try
            {
                if (batch.Count == 1)
                {
                    batch[0].Result.TrySetResult(await redis.GetDatabase().ScriptEvaluateAsync(script.Body, batch[0].Keys, batch[0].Args).ConfigureAwait(false));
                }
                else
                {
                    Complete(batch, await EvaluateBatchAsync(script, batch).ConfigureAwait(false));
                }
            }
            catch (Exception ex)
            {
                foreach (var call in batch)
                {
                    call.Result.TrySetException(ex);
                }
            }
        }
    }

    private Task<RedisResult> EvaluateBatchAsync(BatchedScript script, List<Call> batch)
    {
        var keys = new RedisKey[batch.Sum(c => c.Keys.Length)];
        var args = new RedisValue[batch.Sum(c => c.Args.Length + 2)];
        int k = 0, a = 0;
        foreach (var call in batch)
        {
            args[a++] = call.Keys.Length;
            args[a++] = call.Args.Length;
            call.Keys.CopyTo(keys, k);
            call.Args.CopyTo(args, a);
            k += call.Keys.Length;
            a += call.Args.Length;
        }

        return redis.GetDatabase().ScriptEvaluateAsync(script.Driver, keys, args);
    }

    private static void Complete(List<Call> batch, RedisResult reply)
    {
        var results = (RedisResult[])reply!;
        for (var i = 0; i < batch.Count; i++)
        {
            var entry = (RedisResult[])results[i]!;
            if ((long)entry[0] == 1)
            {
                batch[i].Result.TrySetResult(entry.Length > 1 ? entry[1] : RedisResult.Create(RedisValue.Null));
            }
            else
            {
                batch[i].Result.TrySetException(new RedisServerException(RedisErrorKind.UnknownError, CommandFlags.None, (string)entry[1]!));
            }
        }
    }

    private sealed class Group
    {
        public readonly Queue<Call> Waiting = new();
        public int InFlight;
    }

    private sealed record Call(RedisKey[] Keys, RedisValue[] Args)
    {
        public TaskCompletionSource<RedisResult> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// <summary>
/// A script that <see cref="RedisScriptBatcher"/> may run many times in one EVAL. Its body reads only
/// <c>KEYS</c> and <c>ARGV</c> and ends in a <c>return</c>, like any script; in a batch it runs as a Lua
/// function of those two tables.
/// </summary>
public sealed class BatchedScript(string body)
{
    /// <summary>The script as it runs alone.</summary>
    public string Body { get; } = body;

    /// <summary>
    /// The body as a function, called once per call of the batch. ARGV: per call its key count, its argument
    /// count, then its arguments; KEYS: every call's keys in turn. Returns per call {1, result} or {0, error}
    /// (a result of nil leaves {1}).
    /// </summary>
    public string Driver { get; } =
        $$"""
        local function body(KEYS, ARGV)
        {{body}}
        end
        local out, k, a = {}, 1, 1
        while a <= #ARGV do
          local nkeys, nargs = tonumber(ARGV[a]), tonumber(ARGV[a + 1])
          local keys, args = {}, {}
          for i = 1, nkeys do keys[i] = KEYS[k + i - 1] end
          for i = 1, nargs do args[i] = ARGV[a + 1 + i] end
          k, a = k + nkeys, a + 2 + nargs
          local ok, result = pcall(body, keys, args)
          if ok then
            out[#out + 1] = {1, result}
          else
            out[#out + 1] = {0, type(result) == 'table' and (result.err or 'error') or tostring(result)}
          end
        end
        return out
        """;
}
