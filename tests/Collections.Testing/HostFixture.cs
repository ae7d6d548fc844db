using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Collections.Grains.Agencies;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Collections.Testing;

/// <summary>
/// The real host (silo + API, embedded default, Development) listening on a loopback port: tests talk
/// real HTTP to it. Orleans ports are chosen free so the suite can run beside a developer's own host.
/// The agency allocation cache runs on <see cref="CatalogTime"/>, so a test expires it without waiting.
/// </summary>
public sealed class HostFixture : IAsyncLifetime, IDisposable
{
    /// <summary>The embedded default's admin key (a published constant of Development, not a secret).</summary>
    public const string AdminKey = "dev-admin";

    private readonly WebApplicationFactory<Program> factory;

    public HostFixture()
        : this("Development", new Dictionary<string, string?>(), services: null)
    {
    }

    private HostFixture(string environment, IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? services) =>
        factory = new CollectionsHostFactory(environment, settings, CatalogTime, DocumentsPath, services);

    /// <summary>This host's document store: a directory of its own, removed with the host.</summary>
    public string DocumentsPath { get; } = Path.Combine(Path.GetTempPath(), $"collections-documents-{Guid.NewGuid():N}");

    /// <summary>A host in another environment or with other settings (and services), for tests that need one of their own.</summary>
    public static HostFixture With(string environment, IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? services = null) =>
        new(environment, settings, services);

    /// <summary>The agency allocation cache's clock.</summary>
    public FakeTimeProvider CatalogTime { get; } = new();

    public HttpClient Admin { get; private set; } = null!;

    /// <summary>The API's base address, e.g. http://127.0.0.1:41234/.</summary>
    public Uri BaseAddress => factory.ClientOptions.BaseAddress;

    /// <summary>The host's services (the embedded silo's too).</summary>
    public IServiceProvider Services => factory.Services;

    public Task InitializeAsync()
    {
        factory.UseKestrel(0);
        factory.StartServer();
        Admin = Client(AdminKey);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await factory.DisposeAsync();
        DeleteDocuments();
    }

    public void Dispose()
    {
        factory.Dispose();
        DeleteDocuments();
    }

    private void DeleteDocuments()
    {
        if (Directory.Exists(DocumentsPath))
        {
            Directory.Delete(DocumentsPath, recursive: true);
        }
    }

    /// <summary>A client that sends <paramref name="apiKey"/> (none when null).</summary>
    public HttpClient Client(string? apiKey)
    {
        var client = factory.CreateClient();
        client.Timeout = TimeSpan.FromSeconds(60);
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        }

        return client;
    }

    /// <summary>Issues a key through the admin API.</summary>
    public async Task<(string Id, string Key)> IssueKeyAsync(object request)
    {
        var response = await Admin.PostAsJsonAsync("/api/v1/admin/api-keys", request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (body.GetProperty("id").GetString()!, body.GetProperty("key").GetString()!);
    }

    /// <summary>The allocation cache's next read goes to the agencies, so it sees agencies a test just put.</summary>
    public void ExpireAgencyCatalog() => CatalogTime.Advance(TimeSpan.FromHours(1));

    private sealed class CollectionsHostFactory(
        string environment, IReadOnlyDictionary<string, string?> settings, TimeProvider catalogTime, string documentsPath, Action<IServiceCollection>? services)
        : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment(environment);
            builder.UseSetting("Collections:Documents:Path", documentsPath);
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }

            builder.UseSetting("Collections:Cluster:SiloPort", Ports.Free().ToString(CultureInfo.InvariantCulture));
            builder.UseSetting("Collections:Cluster:GatewayPort", Ports.Free().ToString(CultureInfo.InvariantCulture));

            // The accounts gauge catches up with an import within this (real) time.
            builder.UseSetting("Collections:Metrics:AccountsRefresh", "00:00:00.200");

            builder.ConfigureTestServices(test =>
            {
                test.AddKeyedSingleton(AgencyCatalog.TimeKey, catalogTime);
                services?.Invoke(test);
            });
        }
    }
}
