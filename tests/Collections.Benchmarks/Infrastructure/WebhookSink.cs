using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Collections.Benchmarks.Infrastructure;

/// <summary>
/// A lender's webhook receiver on loopback (Kestrel in the benchmark process): reads each POST whole and
/// answers 200, counting them, as a healthy receiver would; it checks nothing, so its cost stays small.
/// </summary>
public sealed class WebhookSink : IAsyncDisposable
{
    private readonly WebApplication app;
    private long posts;

    private WebhookSink(WebApplication app) => this.app = app;

    public Uri Url { get; private set; } = null!;

    public long Posts => Interlocked.Read(ref posts);

    public static async Task<WebhookSink> StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var sink = new WebhookSink(builder.Build());
        sink.app.MapPost("/events", async (HttpRequest request) =>
        {
            await request.Body.CopyToAsync(Stream.Null);
            Interlocked.Increment(ref sink.posts);
            return Results.Ok();
        });
        await sink.app.StartAsync(cancellationToken);
        var address = sink.app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        sink.Url = new Uri(new Uri(address), "/events");
        return sink;
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}
