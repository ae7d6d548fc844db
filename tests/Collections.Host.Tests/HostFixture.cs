using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Collections.Host.Tests;

/// <summary>
/// The real host (silo + API, embedded default, Development) listening on a loopback port: tests talk
/// real HTTP to it. Orleans ports are chosen free so the suite can run beside a developer's own host.
/// </summary>
public sealed class HostFixture : IAsyncLifetime, IDisposable
{
    public const string AdminKey = "dev-admin";

    private readonly WebApplicationFactory<Program> factory;

    public HostFixture()
        : this("Development", new Dictionary<string, string?>())
    {
    }

    /// <summary>A host in another environment or with other settings (and services), for tests that need one of their own.</summary>
    internal HostFixture(string environment, IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? services = null) =>
        factory = new CollectionsHostFactory(environment, settings, services);

    public HttpClient Admin { get; private set; } = null!;

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

    public async Task DisposeAsync() => await factory.DisposeAsync();

    public void Dispose() => factory.Dispose();

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

    private sealed class CollectionsHostFactory(string environment, IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? services)
        : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment(environment);
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }

            builder.UseSetting("Collections:Cluster:SiloPort", FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.UseSetting("Collections:Cluster:GatewayPort", FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));

            // Agencies put by a test are seen by allocation within this (real) time.
            builder.UseSetting("Collections:Agencies:CatalogTtl", "00:00:00.200");

            // The accounts gauge catches up with an import within this (real) time.
            builder.UseSetting("Collections:Metrics:AccountsRefresh", "00:00:00.200");
            if (services is not null)
            {
                builder.ConfigureServices(services);
            }
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}

[CollectionDefinition(Name)]
public sealed class HostCollection : ICollectionFixture<HostFixture>
{
    public const string Name = "host";
}

public static class Http
{
    public static StringContent Ndjson(params string[] lines) =>
        new(string.Join('\n', lines), System.Text.Encoding.UTF8, "application/x-ndjson");

    public static StringContent Csv(params string[] lines) =>
        new(string.Join('\n', lines), new MediaTypeHeaderValue("text/csv"));

    public static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>();

    /// <summary>Asserts an RFC 9457 problem with the status, and returns it.</summary>
    public static async Task<JsonElement> ProblemAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.JsonAsync();
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        return problem;
    }

    public static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(40, prefix.Length + 33)];
}
