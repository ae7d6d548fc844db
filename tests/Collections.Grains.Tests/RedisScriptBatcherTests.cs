using System.Globalization;
using Collections.Grains.Storage;
using Collections.Testing;
using StackExchange.Redis;

namespace Collections.Grains.Tests;

/// <summary>Group commit of the stores' scripts on a real Redis: each call keeps its own result, error and atomicity.</summary>
public sealed class RedisScriptBatcherTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    // A compare-and-set increment: ARGV[1] the value expected, ARGV[2] the caller's tag; returns {applied, value}.
    private static readonly BatchedScript CompareAndIncrement = new(
        """
        local current = tonumber(redis.call('GET', KEYS[1]) or '0')
        if current ~= tonumber(ARGV[1]) then return {0, current} end
        redis.call('SET', KEYS[1], current + 1)
        redis.call('RPUSH', KEYS[2], ARGV[2])
        return {1, current + 1}
        """);

    private static readonly BatchedScript Echo = new(
        """
        if ARGV[1] == 'fail' then error('refused ' .. KEYS[1]) end
        if ARGV[1] == 'nothing' then return nil end
        if ARGV[1] == 'false' then return redis.call('GET', KEYS[1]) end
        return KEYS[1] .. '=' .. ARGV[1]
        """);

    [Fact]
    public async Task Concurrent_calls_go_in_fewer_evals_and_each_gets_its_own_result()
    {
        var batcher = new RedisScriptBatcher(redis.Connection);
        var before = await EvalsAsync();

        var calls = Enumerable.Range(0, 2_000).Select(i => batcher.EvaluateAsync(Echo, [$"{{t}}:k{i}"], [i.ToString(CultureInfo.InvariantCulture)])).ToArray();
        var results = await Task.WhenAll(calls);

        for (var i = 0; i < results.Length; i++)
        {
            Assert.Equal($"{{t}}:k{i}={i}", (string?)results[i]);
        }

        var evals = await EvalsAsync() - before;
        Assert.InRange(evals, 2_000 / RedisScriptBatcher.MaxBatch, 500);
    }

    [Fact]
    public async Task A_failing_call_fails_alone_and_nil_results_stay_nil()
    {
        var batcher = new RedisScriptBatcher(redis.Connection);
        var args = new[] { "fail", "nothing", "false", "ok" };

        var calls = Enumerable.Range(0, 400).Select(i => batcher.EvaluateAsync(Echo, [$"{{e}}:k{i}"], [args[i % 4]])).ToArray();
        await Task.WhenAll(calls.Select(c => c.ContinueWith(_ => { }, TaskScheduler.Default)));

        for (var i = 0; i < calls.Length; i++)
        {
            switch (i % 4)
            {
                case 0:
                    var error = await Assert.ThrowsAsync<RedisServerException>(() => calls[i]);
                    Assert.Contains($"refused {{e}}:k{i}", error.Message, StringComparison.Ordinal);
                    break;
                case 1:
                case 2:
                    Assert.True((await calls[i]).IsNull);
                    break;
                default:
                    Assert.Equal($"{{e}}:k{i}=ok", (string?)await calls[i]);
                    break;
            }
        }
    }

    [Fact]
    public async Task Each_call_runs_atomically_so_compare_and_set_loses_no_update()
    {
        var batcher = new RedisScriptBatcher(redis.Connection);
        var (counter, log) = ((RedisKey)"{cas}:counter", (RedisKey)"{cas}:log");

        // 50 writers race on one counter, each retrying from the value it was told until its increment lands.
        await Task.WhenAll(Enumerable.Range(0, 50).Select(writer => Task.Run(async () =>
        {
            for (var n = 0; n < 20; n++)
            {
                long expected = 0;
                while (true)
                {
                    var reply = (RedisResult[])(await batcher.EvaluateAsync(CompareAndIncrement, [counter, log], [expected, $"{writer}/{n}"]))!;
                    if ((long)reply[0] == 1)
                    {
                        break;
                    }

                    expected = (long)reply[1];
                }
            }
        })));

        var db = redis.Connection.GetDatabase();
        Assert.Equal(1_000, (long)await db.StringGetAsync(counter));
        var entries = await db.ListRangeAsync(log);
        Assert.Equal(1_000, entries.Select(e => e.ToString()).Distinct().Count());
    }

    [Fact]
    public async Task A_lone_call_runs_the_script_itself()
    {
        var batcher = new RedisScriptBatcher(redis.Connection);

        Assert.Equal("{one}:k=solo", (string?)await batcher.EvaluateAsync(Echo, ["{one}:k"], ["solo"]));
        await Assert.ThrowsAsync<RedisServerException>(() => batcher.EvaluateAsync(Echo, ["{one}:k"], ["fail"]));
    }

    private async Task<long> EvalsAsync()
    {
        var server = redis.Connection.GetServers()[0];
        var stats = await server.InfoAsync("commandstats");
        return stats.SelectMany(g => g)
            .Where(p => p.Key is "cmdstat_eval" or "cmdstat_evalsha")
            .Sum(p => long.Parse(p.Value.Split(',')[0]["calls=".Length..], CultureInfo.InvariantCulture));
    }
}
