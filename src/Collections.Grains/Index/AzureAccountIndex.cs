using System.Text.Json;
using System.Text.Json.Serialization;
using Azure;
using Azure.Data.Tables;
using Collections.Contracts;
using Collections.Grains.Storage;

namespace Collections.Grains.Index;

/// <summary>
/// The read model on Azure Table storage (table <c>CollectionsIndex</c>). Per lender: partition
/// <c>{serviceId}|{lender}|a</c> holds one row per account (its summary as JSON, its version and its
/// terms), row key the accountRef, so that a page of every account is one range query; and one partition
/// per filter value (<c>{serviceId}|{lender}|s|stage:Early</c>, …) holds a row per account filed under it
/// (the key only). A search walks the smallest of the sets its filters name from the cursor on, reads the
/// candidates' rows and checks every filter on them, at most <see cref="AccountIndexTerms.WalkBudget"/>
/// candidates per page, as the Redis index does.
/// </summary>
/// <remarks>
/// The Redis index moves an account between sets in one script; here the set rows live in other partitions
/// than the account's row, so no transaction spans them. The account's row is the authority (a search
/// checks every candidate against it), and an upsert orders its writes so that no failure or race loses a
/// set row: the new sets' rows are added first, the account's row is replaced at the ETag read (a stale
/// writer fails with 412 and starts again), and only then are the old sets' rows deleted, each at the
/// ETag it had before the account's row changed, so a delete never removes a row that a later writer
/// added again. What a crash leaves is a row too many in a set, which the check skips.
/// A set's size is counted from the cursor, up to the walk budget: sets larger than that count as equal,
/// and the first filter in <see cref="AccountIndexTerms.Fields"/> order is walked.
/// </remarks>
public sealed class AzureAccountIndex : IAccountIndex
{
    public const string TableName = "CollectionsIndex";

    private const int Batch = 100;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private readonly Lazy<Task<TableClient>> table;
    private readonly string serviceId;

    public AzureAccountIndex(TableServiceClient service, string serviceId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceId);
        table = AzureTables.Lazily(service, TableName);
        this.serviceId = serviceId;
    }

    public async Task UpsertAsync(string lenderId, AccountSummary summary)
    {
        var client = await table.Value;
        var accounts = AccountsPartition(lenderId);
        var row = AzureTables.Escape(summary.AccountRef);
        var json = JsonSerializer.Serialize(summary, Json);
        var terms = AccountIndexTerms.Of(summary);
        while (true)
        {
            var found = await client.GetEntityIfExistsAsync<TableEntity>(accounts, row);
            var stored = found.HasValue ? found.Value : null;
            if (stored is not null && (stored.GetInt64("Version") > summary.Version || AzureTables.GetText(stored, "Json") == json))
            {
                return;
            }

            var old = AccountIndexTerms.Fields.Select(f => stored?.GetString(f) is { Length: > 0 } v ? v : null).ToArray();
            var added = Changed(terms, old);
            var removed = Changed(old, terms);

            // The old sets' rows as they are before the account's row changes: deleted at these ETags only.
            var leaving = await Task.WhenAll(removed.Select(t => client.GetEntityIfExistsAsync<TableEntity>(SetPartition(lenderId, t.Field, t.Value), row)));
            await Task.WhenAll(added.Select(t => client.UpsertEntityAsync(new TableEntity(SetPartition(lenderId, t.Field, t.Value), row), TableUpdateMode.Replace)));

            var entity = new TableEntity(accounts, row) { ["Version"] = summary.Version };
            AzureTables.SetText(entity, "Json", json);
            for (var i = 0; i < terms.Length; i++)
            {
                entity[AccountIndexTerms.Fields[i]] = terms[i] ?? string.Empty;
            }

            try
            {
                await (stored is null ? client.AddEntityAsync(entity) : client.UpdateEntityAsync(entity, stored.ETag, TableUpdateMode.Replace));
            }
            catch (RequestFailedException failure) when (AzureTables.IsConflict(failure))
            {
                continue; // another writer of this account was first: decide again on what it stored
            }

            await Task.WhenAll(leaving.Where(l => l.HasValue).Select(async l =>
            {
                try
                {
                    await client.DeleteEntityAsync(l.Value!, l.Value!.ETag);
                }
                catch (RequestFailedException failure) when (AzureTables.IsConflict(failure) || failure.Status == 404)
                {
                    // Written again (or deleted) by a later writer: that writer's view stands.
                }
            }));
            return;
        }
    }

    public async Task<AccountSummaryPage> SearchAsync(string lenderId, AccountQuery query)
    {
        var client = await table.Value;
        var sets = AccountIndexTerms.Of(query).Select(t => SetPartition(lenderId, t.Field, t.Value)).ToList();
        var after = query.After is null ? null : AzureTables.Escape(query.After);
        var walk = AccountsPartition(lenderId);
        if (sets.Count > 0)
        {
            var sizes = await Task.WhenAll(sets.Select(s => SizeAsync(client, s, after)));
            if (sizes.Any(n => n == 0))
            {
                return new AccountSummaryPage([], null);
            }

            walk = sets[Array.IndexOf(sizes, sizes.Min())];
        }

        var items = new List<AccountSummary>();
        var walked = 0;
        var candidates = new List<string>(Batch);
        await foreach (var row in client.QueryAsync<TableEntity>(Filter(walk, after), maxPerPage: Batch, select: ["RowKey"]))
        {
            candidates.Add(row.RowKey);
            if (candidates.Count == Math.Min(Batch, AccountIndexTerms.WalkBudget - walked))
            {
                if (await CheckAsync(client, lenderId, query, candidates, items, walked) is { } page)
                {
                    return page;
                }

                walked += candidates.Count;
                candidates.Clear();
            }
        }

        return await CheckAsync(client, lenderId, query, candidates, items, walked, end: true) ?? new AccountSummaryPage(items, null);
    }

    /// <summary>
    /// Checks a batch of walked candidates against their accounts' rows. The page when it is complete (the
    /// limit reached, the budget spent, or the walk's end), null to walk on.
    /// </summary>
    private async Task<AccountSummaryPage?> CheckAsync(TableClient client, string lenderId, AccountQuery query, List<string> candidates, List<AccountSummary> items, int walked, bool end = false)
    {
        var rows = await Task.WhenAll(candidates.Select(c => client.GetEntityIfExistsAsync<TableEntity>(AccountsPartition(lenderId), c)));
        for (var i = 0; i < candidates.Count; i++)
        {
            walked++;
            var summary = rows[i].HasValue && AzureTables.GetText(rows[i].Value!, "Json") is { } json ? JsonSerializer.Deserialize<AccountSummary>(json, Json) : null;
            if (summary is not null && AccountIndexTerms.Matches(summary, query))
            {
                items.Add(summary);
            }

            if (items.Count == query.Limit || walked == AccountIndexTerms.WalkBudget)
            {
                // The walk may go on after this candidate unless it was the last of the set.
                return new AccountSummaryPage(items, end && i == candidates.Count - 1 ? null : AzureTables.Unescape(candidates[i]));
            }
        }

        return end ? new AccountSummaryPage(items, null) : null;
    }

    /// <summary>The rows of a set after the cursor, counted up to the walk budget.</summary>
    private static async Task<int> SizeAsync(TableClient client, string partition, string? after)
    {
        var count = 0;
        await foreach (var _ in client.QueryAsync<TableEntity>(Filter(partition, after), maxPerPage: 1000, select: ["RowKey"]))
        {
            if (++count == AccountIndexTerms.WalkBudget)
            {
                break;
            }
        }

        return count;
    }

    private static string Filter(string partition, string? after) => after is null
        ? TableClient.CreateQueryFilter($"PartitionKey eq {partition}")
        : TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey gt {after}");

    private static List<(string Field, string Value)> Changed(string?[] terms, string?[] other) =>
        [.. AccountIndexTerms.Fields.Select((f, i) => (Field: f, Value: terms[i], Other: other[i]))
            .Where(t => t.Value is not null && t.Value != t.Other)
            .Select(t => (t.Field, t.Value!))];

    private string AccountsPartition(string lenderId) => $"{AzureTables.Partition(serviceId, lenderId)}|a";

    private string SetPartition(string lenderId, string field, string value) =>
        $"{AzureTables.Partition(serviceId, lenderId)}|s|{AzureTables.Escape(AccountIndexTerms.SetName(field, value))}";
}
