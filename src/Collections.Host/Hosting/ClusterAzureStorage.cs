using System.Diagnostics.Metrics;
using System.Net;
using System.Xml.Linq;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Collections.Grains.Agencies;
using Collections.Grains.Portfolio;
using Collections.Grains.Storage;
using Collections.Grains.Telemetry;
using Collections.Host.Configuration;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Options;

namespace Collections.Host.Hosting;

/// <summary>
/// The Azure Storage account of this process (<c>Collections:Storage:AzureStorage</c>), shared by the
/// grains' stores, the clock, the data-protection keys and Orleans' clustering, grain storage and reminder
/// providers. The first use must reach it within seconds (a silo pointed at the wrong account stops at once
/// with a message saying so); requests retry a few times with short timeouts rather than hang.
/// </summary>
public sealed partial class ClusterAzureStorage
{
    /// <summary>The cluster's own records: the business clock and the data-protection keys.</summary>
    public const string ClusterTable = "CollectionsCluster";

    private static readonly TimeSpan StartupTimeout = TimeSpan.FromSeconds(15);

    private readonly ILogger<ClusterAzureStorage> logger;
    private readonly Lazy<Task> ready;

    public ClusterAzureStorage(IOptions<StorageOptions> storage, IMeterFactory meters, ILogger<ClusterAzureStorage> logger)
    {
        this.logger = logger;
        var connectionString = storage.Value.AzureStorage ?? throw new InvalidOperationException("Collections:Storage:AzureStorage is required.");
        var requests = meters.Create(CollectionsMetrics.MeterName).CreateCounter<long>(
            "collections.storage.azure.requests", "{request}", "Requests (attempts, retries included) this process sent to Azure Table storage: the account's target is about 20,000/s");
        var options = ClientOptions();
        options.AddPolicy(new RequestCounter(requests), HttpPipelinePosition.PerRetry);
        Tables = new TableServiceClient(connectionString, options);
        Blobs = new BlobServiceClient(connectionString);
        Endpoint = $"{Tables.Uri.Scheme}://{Tables.Uri.Authority}";
        ready = new(CreateTablesAsync);
    }

    public TableServiceClient Tables { get; }

    /// <summary>The account's Blob storage: the documents (<see cref="Collections.Grains.Documents.AzureBlobDocumentStore"/>).</summary>
    public BlobServiceClient Blobs { get; }

    /// <summary>The table endpoint, for messages: scheme, host and port only, never the key.</summary>
    public string Endpoint { get; }

    /// <summary>True when the account is on this machine (Azurite): the cluster is a local one and silos advertise loopback.</summary>
    public bool IsLoopback => Tables.Uri.IsLoopback;

    /// <summary>Creates the grains' tables (once); throws <see cref="StartupFailureException"/> saying why it could not.</summary>
    public Task EnsureReadyAsync() => ready.Value;

    /// <summary>Short timeouts and few retries: an outage answers 503 soon instead of holding requests for minutes.</summary>
    private static TableClientOptions ClientOptions()
    {
        var options = new TableClientOptions();
        options.Retry.MaxRetries = 3;
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.Delay = TimeSpan.FromMilliseconds(200);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(10);
        return options;
    }

    private async Task CreateTablesAsync()
    {
        var started = Environment.TickCount64;
        using var timeout = new CancellationTokenSource(StartupTimeout);
        try
        {
            foreach (var table in new[] { AzureAccountEventStore.TableName, AzurePortfolioStore.TableName, AzureAgencyPlacementStore.TableName, ClusterTable })
            {
                await Tables.GetTableClient(table).CreateIfNotExistsAsync(timeout.Token);
            }

            LogReady(logger, Endpoint, Environment.TickCount64 - started);
        }
        catch (Exception ex) when (ex is RequestFailedException or OperationCanceledException or AggregateException)
        {
            throw new StartupFailureException(
                $"Azure Storage at {Endpoint} (Collections:Storage:AzureStorage) is not usable ({Describe(ex)} after {Environment.TickCount64 - started} ms). " +
                "Start Azurite (deploy/cluster.sh --store azure does) or fix the connection string; this process is stopping.", ex);
        }
    }

    /// <summary>Counts every request sent, retries included: what the storage account's targets and the bill count.</summary>
    private sealed class RequestCounter(Counter<long> requests) : HttpPipelineSynchronousPolicy
    {
        public override void OnSendingRequest(HttpMessage message) => requests.Add(1);
    }

    private static string Describe(Exception ex) => ex switch
    {
        RequestFailedException { Status: > 0 } failed => $"HTTP {failed.Status} {failed.ErrorCode}",
        OperationCanceledException => "no answer",
        _ => ex.GetType().Name,
    };

    [LoggerMessage(EventId = 3051, Level = LogLevel.Information, Message = "Azure Storage at {Endpoint} is ready ({ElapsedMs} ms)")]
    private static partial void LogReady(ILogger logger, string endpoint, long elapsedMs);
}

/// <summary>The cluster's business-clock record in Azure Table storage: one entity, added once (an add fails if it exists).</summary>
public sealed class AzureClockRecord(ClusterAzureStorage storage, IOptions<CollectionsClusterOptions> cluster) : IClockRecordStore
{
    private const string Row = "clock";

    public string Location => $"Azure table '{ClusterAzureStorage.ClusterTable}', partition '{cluster.Value.ServiceId}', row '{Row}'";

    public async Task<bool> TryCreateAsync(string json)
    {
        try
        {
            await Table.AddEntityAsync(new TableEntity(cluster.Value.ServiceId, Row) { ["Json"] = json });
            return true;
        }
        catch (RequestFailedException failure) when (failure.Status == (int)HttpStatusCode.Conflict)
        {
            return false;
        }
    }

    public async Task<string?> ReadAsync()
    {
        var found = await Table.GetEntityIfExistsAsync<TableEntity>(cluster.Value.ServiceId, Row);
        return found.HasValue ? found.Value?.GetString("Json") : null;
    }

    private TableClient Table => storage.Tables.GetTableClient(ClusterAzureStorage.ClusterTable);
}

/// <summary>
/// The data-protection key ring in Azure Table storage, so that every host of the cluster reads the cookies
/// the others issued (the dashboard's sign-in): partition <c>{serviceId}|data-protection-keys</c>, one row per key.
/// </summary>
public sealed class AzureTableXmlRepository(TableServiceClient tables, string serviceId) : IXmlRepository
{
    private TableClient Table => tables.GetTableClient(ClusterAzureStorage.ClusterTable);

    private string Partition => $"{serviceId}|data-protection-keys";

    public IReadOnlyCollection<XElement> GetAllElements() =>
        [.. Table.Query<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Partition}"))
            .Select(row => XElement.Parse(AzureTables.GetText(row, "Xml")!))];

    public void StoreElement(XElement element, string friendlyName)
    {
        var row = new TableEntity(Partition, AzureTables.Escape(friendlyName));
        AzureTables.SetText(row, "Xml", element.ToString(SaveOptions.DisableFormatting));
        Table.UpsertEntity(row, TableUpdateMode.Replace);
    }
}

/// <summary>
/// Runs before the silo (or client) starts: reaches Azure Storage, creates the grains' tables and agrees on
/// the business clock, so that a process pointed at an unreachable account stops within seconds with a
/// message that says so, instead of hanging in Orleans' membership start-up.
/// </summary>
public sealed partial class AzureStorageStartupCheck(ClusterAzureStorage storage, ClusterClock clock, ILogger<AzureStorageStartupCheck> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await storage.EnsureReadyAsync().WaitAsync(cancellationToken);
            await clock.ResolveAsync().WaitAsync(cancellationToken);
        }
        catch (StartupFailureException ex)
        {
            LogCannotStart(logger, ex.Message);
            throw;
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 3052, Level = LogLevel.Critical, Message = "Cannot start: {Reason}")]
    private static partial void LogCannotStart(ILogger logger, string reason);
}
