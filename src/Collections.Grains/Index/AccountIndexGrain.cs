using Collections.Contracts;
using Collections.Domain;
using Collections.Domain.Accounts;
using Collections.Grains.Lenders;
using Collections.Grains.Storage;
using Collections.Grains.Time;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace Collections.Grains.Index;

/// <summary>Serves searches from the silo's index store, and rebuilds the index from the stored accounts.</summary>
[StatelessWorker]
public sealed partial class AccountIndexGrain(
    IAccountIndex index,
    IAccountEventStore store,
    StrategyProvider strategies,
    BusinessClock clock,
    ILogger<AccountIndexGrain> logger) : Grain, IAccountIndexGrain
{
    private const int Parallelism = 32;

    public Task<AccountSummaryPage> SearchAsync(string lenderId, AccountQuery query) => index.SearchAsync(lenderId, query);

    /// <summary>
    /// Walks the event store's accounts (an admin operation: it reads every snapshot once) and files each
    /// summary. A summary older than the stored one is ignored by the store, so live accounts that change
    /// during the rebuild keep their newer summary.
    /// </summary>
    public async Task<long> RebuildAsync()
    {
        long count = 0;
        var batch = new List<string>(Parallelism);
        await foreach (var key in store.ListAccountKeysAsync())
        {
            batch.Add(key);
            if (batch.Count == Parallelism)
            {
                count += await IndexAsync(batch);
                batch.Clear();
            }
        }

        count += await IndexAsync(batch);
        LogRebuilt(logger, count);
        return count;
    }

    private async Task<int> IndexAsync(List<string> keys)
    {
        var indexed = await Task.WhenAll(keys.Select(async key =>
        {
            if (await store.LoadAsync(key) is not { } snapshot)
            {
                return 0;
            }

            var account = AccountSnapshotJson.Deserialize(snapshot.StateJson.Span);

            var rules = await strategies.RulesAsync(account.LenderId, account.Strategy);
            await index.UpsertAsync(account.LenderId, AccountSummaries.Of(account, clock.Now, rules));
            return 1;
        }));
        return indexed.Sum();
    }

    [LoggerMessage(EventId = 1401, Level = LogLevel.Information, Message = "Account index rebuilt from {Count} stored account(s)")]
    private static partial void LogRebuilt(ILogger logger, long count);
}
