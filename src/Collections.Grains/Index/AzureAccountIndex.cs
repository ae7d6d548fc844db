using System.Text.Json;
using System.Text.Json.Serialization;
using Azure;
using Azure.Data.Tables;
using Collections.Contracts;
using Collections.Grains.Storage;

namespace Collections.Grains.Index;

/// <summary>
/// The read model on Azure Table storage (table <c>CollectionsIndex</c>), one partition per lender
/// (<c>{serviceId}|{lender}</c>): a row per account (<c>a|{accountRef}</c>: its summary as JSON, its version
/// and its terms) and, per filter value, a row per account filed under it (<c>s|stage:Early|{accountRef}</c>,
/// …) carrying the summary too, so that a page is one range query over a set from the cursor with the
/// other filters checked on the rows walked, at most <see cref="AccountIndexTerms.WalkBudget"/> per page.
/// Where the Redis index runs one script, an upsert here is one entity-group transaction: the account's
/// row replaced at the ETag read (a stale writer fails with 412 and decides again), its sets' rows
/// rewritten and the rows of the sets it left deleted, so the sets always agree with the account's row.
/// </summary>
/// <remarks>
/// A lender's index is one partition, as it is one Redis Cluster slot: an upsert writes the account's row
/// and one row per term (about six entities), so one lender's index takes a few hundred upserts per second
/// within Azure's 2,000 entities/s per partition. A set's size is counted from the cursor up to the walk
/// budget (Tables have no ZCARD): sets larger than that count as equal, and the first filter in
/// <see cref="AccountIndexTerms.Fields"/> order is walked.
/// </remarks>
public sealed class AzureAccountIndex : IAccountIndex
{
    public const string TableName = "CollectionsIndex";

    private const string AccountPrefix = "a|";

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
        var partition = Partition(lenderId);
        var accountRow = AccountPrefix + AzureTables.Escape(summary.AccountRef);
        var json = JsonSerializer.Serialize(summary, Json);
        var terms = AccountIndexTerms.Of(summary);
        while (true)
        {
            var found = await client.GetEntityIfExistsAsync<TableEntity>(partition, accountRow);
            var stored = found.HasValue ? found.Value : null;
            if (stored is not null && (stored.GetInt64("Version") > summary.Version || AzureTables.GetText(stored, "Json") == json))
            {
                return;
            }

            var account = new TableEntity(partition, accountRow) { ["Version"] = summary.Version };
            AzureTables.SetText(account, "Json", json);
            var actions = new List<TableTransactionAction>
            {
                stored is null ? new(TableTransactionActionType.Add, account) : new(TableTransactionActionType.UpdateReplace, account, stored.ETag),
            };
            for (var i = 0; i < terms.Length; i++)
            {
                var field = AccountIndexTerms.Fields[i];
                account[field] = terms[i] ?? string.Empty;
                if (stored?.GetString(field) is { Length: > 0 } old && old != terms[i])
                {
                    actions.Add(new(TableTransactionActionType.Delete, new TableEntity(partition, SetRow(field, old, summary.AccountRef)), ETag.All));
                }

                if (terms[i] is { } term)
                {
                    var member = new TableEntity(partition, SetRow(field, term, summary.AccountRef));
                    AzureTables.SetText(member, "Json", json);
                    actions.Add(new(TableTransactionActionType.UpsertReplace, member));
                }
            }

            try
            {
                await client.SubmitTransactionAsync(actions);
                return;
            }
            catch (RequestFailedException failure) when (AzureTables.IsConflict(failure))
            {
                // Another writer of this account was first: decide again on what it stored.
            }
        }
    }

    public async Task<AccountSummaryPage> SearchAsync(string lenderId, AccountQuery query)
    {
        var client = await table.Value;
        var partition = Partition(lenderId);
        var sets = AccountIndexTerms.Of(query).Select(t => SetPrefix(t.Field, t.Value)).ToList();
        var walk = AccountPrefix;
        if (sets.Count == 1)
        {
            walk = sets[0];
        }
        else if (sets.Count > 1)
        {
            var sizes = await Task.WhenAll(sets.Select(s => SizeAsync(client, partition, s, query.After)));
            if (sizes.Any(n => n == 0))
            {
                return new AccountSummaryPage([], null);
            }

            walk = sets[Array.IndexOf(sizes, sizes.Min())];
        }

        var items = new List<AccountSummary>();
        var walked = 0;
        string? last = null;
        await foreach (var row in client.QueryAsync<TableEntity>(Filter(partition, walk, query.After), maxPerPage: Math.Min(1000, AccountIndexTerms.WalkBudget)))
        {
            if (last is not null && (items.Count == query.Limit || walked == AccountIndexTerms.WalkBudget))
            {
                // Full, and the set goes on after the last row walked.
                return new AccountSummaryPage(items, last);
            }

            walked++;
            last = AzureTables.Unescape(row.RowKey[walk.Length..]);
            var summary = JsonSerializer.Deserialize<AccountSummary>(AzureTables.GetText(row, "Json")!, Json)!;
            if (AccountIndexTerms.Matches(summary, query))
            {
                items.Add(summary);
            }
        }

        return new AccountSummaryPage(items, null);
    }

    /// <summary>The rows of a set after the cursor, counted up to the walk budget.</summary>
    private static async Task<int> SizeAsync(TableClient client, string partition, string set, string? after)
    {
        var count = 0;
        await foreach (var _ in client.QueryAsync<TableEntity>(Filter(partition, set, after), maxPerPage: 1000, select: ["RowKey"]))
        {
            if (++count == AccountIndexTerms.WalkBudget)
            {
                break;
            }
        }

        return count;
    }

    /// <summary>The rows that start with <paramref name="prefix"/> (which ends in '|'), after the cursor when there is one.</summary>
    private static string Filter(string partition, string prefix, string? after)
    {
        var (from, to) = (after is null ? prefix : prefix + AzureTables.Escape(after), prefix[..^1] + "}");
        return after is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {from} and RowKey lt {to}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey gt {from} and RowKey lt {to}");
    }

    private static string SetPrefix(string field, string value) => $"s|{AzureTables.Escape(AccountIndexTerms.SetName(field, value))}|";

    private static string SetRow(string field, string value, string accountRef) => SetPrefix(field, value) + AzureTables.Escape(accountRef);

    private string Partition(string lenderId) => AzureTables.Partition(serviceId, lenderId);
}
