using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Collections.Cluster.Tests.Infrastructure;

/// <summary>Test accounts as NDJSON import lines, and the import endpoint's answer.</summary>
public static class Accounts
{
    public const string Lender = "L1";

    public static string Ref(int i) => $"A-{i:D6}";

    /// <summary>
    /// Sends the lender a strategy whose work is stage entries only: no planned contacts (the default
    /// plan calls every Early account every business day, which at a business day per 10 s would be a
    /// storm of wakes on two cores) and outsourcing far off. Accounts take it when they are created.
    /// </summary>
    public static async Task PutStageOnlyStrategyAsync(HostProcess through, string name = "stages-only")
    {
        using var response = await through.Http.PutAsJsonAsync($"/api/v1/lenders/{Lender}/strategy", new
        {
            name,
            stages = new Dictionary<string, int> { ["Notice"] = 1, ["Early"] = 4, ["Mid"] = 120, ["Legal"] = 150, ["ChargedOff"] = 181 },
            contactPlan = Array.Empty<object>(),
        });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"PUT strategy: {(int)response.StatusCode} {body}");
    }

    /// <summary>
    /// One import line. Due dates cycle over the last <paramref name="spreadDays"/> business days, so that
    /// with an accelerated clock stage thresholds (DPD 1, 4, 31 …) keep being crossed during the test.
    /// </summary>
    public static string Line(int i, DateOnly today, int spreadDays = 8) =>
        JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["accountRef"] = Ref(i),
            ["currency"] = "CNY",
            ["principal"] = 1000 + (i % 900),
            ["interest"] = 12.5m,
            ["dueDate"] = today.AddDays(-(i % spreadDays)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["borrowerName"] = "Test Borrower",
        });

    public static string Body(IEnumerable<int> accounts, DateOnly today) =>
        new StringBuilder().AppendJoin('\n', accounts.Select(i => Line(i, today))).Append('\n').ToString();

    /// <summary>
    /// Imports the accounts in chunks spread over <paramref name="through"/>; lines rejected for a retry
    /// (the cluster could not apply them just then) are sent again until every line is applied. The
    /// counts add up every round; <see cref="ImportResult.Rejected"/> counts the lines that needed a retry.
    /// </summary>
    public static async Task<ImportResult> ImportUntilAppliedAsync(IReadOnlyList<HostProcess> through, IEnumerable<int> accounts, DateOnly today, int chunkSize = 2000)
    {
        long received = 0, created = 0, updated = 0, unchanged = 0, rejected = 0;
        var pending = accounts.ToList();
        for (var round = 0; pending.Count > 0; round++)
        {
            Assert.True(round < 5, $"{pending.Count} lines still rejected after {round} rounds.");
            var retry = new System.Collections.Concurrent.ConcurrentBag<int>();
            var chunks = pending.Chunk(chunkSize).ToList();
            await Parallel.ForEachAsync(Enumerable.Range(0, chunks.Count), new ParallelOptions { MaxDegreeOfParallelism = through.Count }, async (i, _) =>
            {
                var result = await TryImportAsync(through[i % through.Count].Http, Body(chunks[i], today));
                Assert.True(result is not null, $"The import through {through[i % through.Count].Name} got no answer.");
                Interlocked.Add(ref received, result.Received);
                Interlocked.Add(ref created, result.Created);
                Interlocked.Add(ref updated, result.Updated);
                Interlocked.Add(ref unchanged, result.Unchanged);
                Interlocked.Add(ref rejected, result.Rejected);
                var rejectedRefs = result.Errors.Select(e => e.AccountRef).ToHashSet();
                foreach (var account in chunks[i].Where(a => rejectedRefs.Contains(Ref(a))))
                {
                    retry.Add(account);
                }
            });
            pending = [.. retry];
            if (pending.Count > 0)
            {
                await Task.Delay(1000);
            }
        }

        return new ImportResult(received, created, updated, unchanged, rejected, []);
    }

    /// <summary>Posts one import batch; the answer, or null when no answer came back (the process died mid-request).</summary>
    public static async Task<ImportResult?> TryImportAsync(HttpClient http, string body)
    {
        try
        {
            using var response = await http.PostAsync($"/api/v1/lenders/{Lender}/accounts/import", HttpExtensions.Ndjson(body));
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            return ImportResult.From(await response.Content.ReadFromJsonAsync<JsonElement>());
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
        {
            return null;
        }
    }
}

/// <summary><c>{"received","created","updated","unchanged","rejected","errors":[{"line","accountRef","error"}]}</c>.</summary>
public sealed record ImportResult(long Received, long Created, long Updated, long Unchanged, long Rejected, IReadOnlyList<(string AccountRef, string Error)> Errors)
{
    public static ImportResult From(JsonElement body) => new(
        body.GetProperty("received").GetInt64(),
        body.GetProperty("created").GetInt64(),
        body.GetProperty("updated").GetInt64(),
        body.GetProperty("unchanged").GetInt64(),
        body.GetProperty("rejected").GetInt64(),
        [.. body.GetProperty("errors").EnumerateArray().Select(e => (e.GetProperty("accountRef").GetString() ?? "", e.GetProperty("error").GetString() ?? ""))]);
}
