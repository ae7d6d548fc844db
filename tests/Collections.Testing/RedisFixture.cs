using StackExchange.Redis;

namespace Collections.Testing;

/// <summary>A class fixture: a redis-server without persistence, and one connection to it, for tests of the Redis stores.</summary>
public sealed class RedisFixture : IAsyncLifetime
{
    private RedisServer? server;

    public IConnectionMultiplexer Connection { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        server = await RedisServer.StartAsync(durable: false);
        Connection = await server.ConnectAsync();
    }

    public async Task DisposeAsync()
    {
        if (Connection is not null)
        {
            await Connection.DisposeAsync();
        }

        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }
}
