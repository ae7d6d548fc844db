using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;

namespace Collections.Cluster.Tests.Infrastructure;

/// <summary>Reads account views through the HTTP API, many at a time, spread over the given processes.</summary>
public static class Views
{
    public static async Task<Dictionary<string, JsonElement?>> ReadAsync(IReadOnlyList<HostProcess> through, IReadOnlyList<string> accountRefs, int parallelism = 24)
    {
        var views = new ConcurrentDictionary<string, JsonElement?>();
        await Parallel.ForEachAsync(Enumerable.Range(0, accountRefs.Count), new ParallelOptions { MaxDegreeOfParallelism = parallelism }, async (i, _) =>
        {
            var accountRef = accountRefs[i];
            views[accountRef] = await GetAsync(through[i % through.Count], accountRef);
        });
        return new Dictionary<string, JsonElement?>(views);
    }

    /// <summary>The view, or null when the account does not exist (404); other answers fail the test.</summary>
    public static async Task<JsonElement?> GetAsync(HostProcess through, string accountRef)
    {
        using var response = await through.Http.GetAsync($"/api/v1/lenders/{Accounts.Lender}/accounts/{accountRef}");
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {accountRef} through {through.Name}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement;
    }
}
