using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Collections.Domain;
using Collections.Domain.Portfolio;
using Collections.Grains.Storage;

namespace Collections.Grains.Portfolio;

/// <summary>
/// Portfolio counters on Azure Table storage (table <c>CollectionsPortfolio</c>). A lender's accounts are
/// spread over <see cref="Shards"/> partitions (<c>{serviceId}|{lender}|{shard}</c>, the shard a stable hash
/// of the account), each holding its accounts' contributions (rows <c>c|{account}</c>) and the counters of
/// those accounts (row <c>counters</c>): a report replaces the contribution and the counters at their ETags
/// in one entity-group transaction. Sharding keeps one lender's reports from queueing on one entity and
/// within one partition's 2,000 entities/s; reading a lender's counters sums its shards.
/// </summary>
public sealed class AzurePortfolioStore : IPortfolioStore
{
    public const string TableName = "CollectionsPortfolio";

    /// <summary>Partitions per lender.</summary>
    public const int Shards = 16;

    private const string CountersRow = "counters";

    private readonly Lazy<Task<TableClient>> table;
    private readonly string serviceId;
    private readonly KeyedLocks writers = new();

    // Lenders this process has already listed: one write per lender and process.
    private readonly ConcurrentDictionary<string, bool> listed = new(StringComparer.Ordinal);

    public AzurePortfolioStore(TableServiceClient service, string serviceId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceId);
        table = AzureTables.Lazily(service, TableName);
        this.serviceId = serviceId;
    }

    /// <summary>The partition holding the account's contribution and its share of the lender's counters.</summary>
    public string PartitionKey(string lenderId, string accountRef) =>
        $"{AzureTables.Partition(serviceId, lenderId)}|{Shard(accountRef).ToString("D2", CultureInfo.InvariantCulture)}";

    public async Task<PortfolioContribution?> GetContributionAsync(string lenderId, string accountRef)
    {
        var found = await (await table.Value).GetEntityIfExistsAsync<TableEntity>(PartitionKey(lenderId, accountRef), ContributionRow(accountRef));
        return found.HasValue && found.Value is { } row ? Parse(row.GetString("Json")) : null;
    }

    public async Task<(bool Applied, PortfolioContribution? Stored)> ReportAsync(
        string lenderId, string accountRef, PortfolioContribution? expected, PortfolioContribution next, string period)
    {
        var client = await table.Value;
        if (!listed.ContainsKey(lenderId))
        {
            // Before the counters change, so that a lender with counters is always listed.
            await client.UpsertEntityAsync(new TableEntity(LendersPartition, AzureTables.Escape(lenderId)));
            listed.TryAdd(lenderId, true);
        }

        var partition = PartitionKey(lenderId, accountRef);
        var row = ContributionRow(accountRef);
        var (expectedJson, nextJson) = (Json(expected), Json(next));
        using var _ = await writers.EnterAsync(partition);
        while (true)
        {
            // Two point reads at once (a filter naming both rows would be a partition scan).
            var (contribution, counters) = await AzureTables.ReadPairAsync(client, partition, row, CountersRow);

            var stored = contribution?.GetString("Json") ?? string.Empty;
            if (stored == nextJson)
            {
                return (true, next);
            }

            if (stored != expectedJson)
            {
                return (false, Parse(stored));
            }

            var totals = counters is null ? new Dictionary<string, long>(StringComparer.Ordinal) : ReadCounters(counters);
            foreach (var (counter, delta) in PortfolioContribution.Difference(expected, next, period))
            {
                totals[counter] = totals.GetValueOrDefault(counter) + delta;
            }

            var newCounters = new TableEntity(partition, CountersRow);
            AzureTables.SetText(newCounters, "Counters", JsonSerializer.Serialize(totals));
            try
            {
                await client.SubmitTransactionAsync(
                [
                    Write(new TableEntity(partition, row) { ["Json"] = nextJson }, contribution),
                    Write(newCounters, counters),
                ]);
                return (true, next);
            }
            catch (RequestFailedException failure) when (AzureTables.IsConflict(failure))
            {
                // Another process reported in this shard first: decide again on what is stored now.
            }
        }
    }

    public async Task<IReadOnlyDictionary<string, long>> ReadCountersAsync(string lenderId)
    {
        var prefix = AzureTables.Partition(serviceId, lenderId) + "|";
        var end = prefix + "~";
        var sums = new Dictionary<string, long>(StringComparer.Ordinal);
        await foreach (var shard in (await table.Value).QueryAsync<TableEntity>(
            TableClient.CreateQueryFilter($"PartitionKey gt {prefix} and PartitionKey lt {end} and RowKey eq {CountersRow}")))
        {
            foreach (var (counter, value) in ReadCounters(shard))
            {
                sums[counter] = sums.GetValueOrDefault(counter) + value;
            }
        }

        return sums;
    }

    public async Task<IReadOnlyList<string>> ListLendersAsync()
    {
        var lenders = new List<string>();
        await foreach (var row in (await table.Value).QueryAsync<TableEntity>(
            TableClient.CreateQueryFilter($"PartitionKey eq {LendersPartition}"), select: ["RowKey"]))
        {
            lenders.Add(AzureTables.Unescape(row.RowKey));
        }

        return [.. lenders.Order(StringComparer.Ordinal)];
    }

    /// <summary>The same shard in every process and run.</summary>
    public static int Shard(string accountRef) => AzureTables.Shard(accountRef, Shards);

    private string LendersPartition => $"{serviceId}|lenders";

    private static string ContributionRow(string accountRef) => "c|" + AzureTables.Escape(accountRef);

    private static TableTransactionAction Write(TableEntity entity, TableEntity? stored) => stored is null
        ? new(TableTransactionActionType.Add, entity)
        : new(TableTransactionActionType.UpdateReplace, entity, stored.ETag);

    private static Dictionary<string, long> ReadCounters(TableEntity row) =>
        JsonSerializer.Deserialize<Dictionary<string, long>>(AzureTables.GetText(row, "Counters") ?? "{}") ?? [];

    private static string Json(PortfolioContribution? contribution) =>
        contribution is null ? string.Empty : JsonSerializer.Serialize(contribution, DomainJson.Options);

    private static PortfolioContribution? Parse(string? json) =>
        string.IsNullOrEmpty(json) ? null : JsonSerializer.Deserialize<PortfolioContribution>(json, DomainJson.Options);
}
