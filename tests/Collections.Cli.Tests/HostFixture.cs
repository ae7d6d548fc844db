using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Collections.Cli.Tests;

/// <summary>
/// The real host (silo and API, embedded default, Development) on a free loopback port, so the CLI talks
/// real HTTP to it; its Orleans ports are free ones too, so the suite runs beside a developer's own host.
/// </summary>
public sealed class HostFixture : IAsyncLifetime, IDisposable
{
    /// <summary>The embedded default's admin key (a published constant of Development, not a secret).</summary>
    public const string AdminKey = "dev-admin";

    private readonly HostFactory factory = new();

    /// <summary>The API's base address, e.g. http://127.0.0.1:41234/.</summary>
    public string Url => factory.ClientOptions.BaseAddress.ToString();

    /// <summary>The options every CLI run against this host needs.</summary>
    public string[] Connection => ["--url", Url, "--api-key", AdminKey];

    public Task InitializeAsync()
    {
        factory.UseKestrel(0);
        factory.StartServer();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await factory.DisposeAsync();

    public void Dispose() => factory.Dispose();

    /// <summary>A lender of its own for each test, so tests never see each other's accounts.</summary>
    public static string NewLender() => $"L-{Guid.NewGuid():N}"[..14];

    /// <summary>A port that nothing listens on (taken and released at once).</summary>
    public static int ClosedPort() => FreePort();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class HostFactory : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Development");
            builder.UseSetting("Collections:Cluster:SiloPort", FreePort().ToString(CultureInfo.InvariantCulture));
            builder.UseSetting("Collections:Cluster:GatewayPort", FreePort().ToString(CultureInfo.InvariantCulture));
        }
    }
}

[CollectionDefinition(Name)]
public sealed class HostCollection : ICollectionFixture<HostFixture>
{
    public const string Name = "host";
}
