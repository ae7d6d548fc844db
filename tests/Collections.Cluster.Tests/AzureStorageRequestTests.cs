using System.Globalization;
using Collections.Cluster.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Collections.Cluster.Tests;

/// <summary>
/// What onboarding costs in Azure Table requests: the figure that carries over from Azurite to Azure,
/// where it bounds throughput (about 20,000 requests/s per storage account) and sets the bill.
/// </summary>
public sealed class AzureStorageRequestTests(ITestOutputHelper output)
{
    private const int AccountCount = 500;

    [Fact]
    public async Task Onboarding_an_account_costs_a_handful_of_Azure_Table_requests()
    {
        await using var cluster = await LocalCluster.StartAsync(1, clockSpeed: 1, output, ClusterStore.AzureStorage);
        var silo = cluster.Silos[0];
        var today = DateOnly.FromDateTime((await LocalCluster.BusinessNowAsync(silo)).UtcDateTime);
        await Accounts.PutStageOnlyStrategyAsync(silo);

        var before = await RequestsAsync(silo);
        var import = await Accounts.ImportUntilAppliedAsync([silo], Enumerable.Range(0, AccountCount), today, chunkSize: 100);
        var perAccount = (await RequestsAsync(silo) - before) / AccountCount;

        output.WriteLine($"Onboarding {AccountCount} accounts through the import API: {perAccount:F1} Azure Table requests per account (retries included)");
        Assert.Equal(AccountCount, import.Created);
        Assert.InRange(perAccount, 2, 16);
    }

    /// <summary>The silo's count of Azure Table requests, from its Prometheus endpoint.</summary>
    private static async Task<double> RequestsAsync(HostProcess silo)
    {
        var metrics = await silo.Http.GetStringAsync("/metrics");
        var samples = metrics.Split('\n').Where(line => line.StartsWith("collections_storage_azure_requests_total", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(samples);
        // name{labels} value [timestamp]
        return samples.Sum(line => double.Parse(line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture));
    }
}
