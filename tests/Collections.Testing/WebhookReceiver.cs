using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Collections.Testing;

/// <summary>One POST the receiver got: the raw body, its signature headers and what it answered.</summary>
public sealed record ReceivedEvent(string Id, string Type, string AccountRef, JsonElement Event, byte[] Body, string? Timestamp, string? Signature, int Answered);

/// <summary>
/// A webhook receiver on loopback (Kestrel in the test process): records every POST — the lender's events at
/// <see cref="Url"/>, the contacts to send at <see cref="ContactsUrl"/> — answers 503 while <see cref="Down"/> and
/// 200 otherwise, and lets a test wait for what it expects without sleeping.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly List<ReceivedEvent> received = [];
    private readonly List<JsonElement> contacts = [];
    private TaskCompletionSource changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private WebhookReceiver(WebApplication app) => this.app = app;

    public bool Down { get; set; }

    public Uri Url { get; private set; } = null!;

    /// <summary>Where a host's contact webhook (<c>Collections:Contacts:Webhooks:{lender}:Url</c>) posts the messages to send.</summary>
    public Uri ContactsUrl => new(Url, "/hooks/contacts");

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var receiver = new WebhookReceiver(builder.Build());
        receiver.app.MapPost("/hooks/events", receiver.ReceiveAsync);
        receiver.app.MapPost("/hooks/contacts", receiver.ReceiveContactAsync);
        await receiver.app.StartAsync();
        var address = receiver.app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Url = new Uri(new Uri(address), "/hooks/events");
        return receiver;
    }

    public IReadOnlyList<ReceivedEvent> Received
    {
        get
        {
            lock (received)
            {
                return [.. received];
            }
        }
    }

    /// <summary>Waits until <paramref name="done"/> holds for what was received (a change wakes it, not a clock); 60 s unless <paramref name="within"/> says otherwise.</summary>
    public Task WaitUntilAsync(Func<IReadOnlyList<ReceivedEvent>, bool> done, string because, TimeSpan? within = null) =>
        WaitAsync(() => done(received), because, within);

    /// <summary>The first contact message received that <paramref name="match"/> accepts, waited for as <see cref="WaitUntilAsync"/> waits.</summary>
    public async Task<JsonElement> ContactAsync(Func<JsonElement, bool> match, string because, TimeSpan? within = null)
    {
        var found = default(JsonElement);
        await WaitAsync(
            () =>
            {
                found = contacts.FirstOrDefault(match);
                return found.ValueKind != JsonValueKind.Undefined;
            },
            because,
            within);
        return found;
    }

    private async Task WaitAsync(Func<bool> done, string because, TimeSpan? within)
    {
        using var timeout = new CancellationTokenSource(within ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            Task next;
            lock (received)
            {
                if (done())
                {
                    return;
                }

                next = changed.Task;
            }

            try
            {
                await next.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"Timed out waiting until {because}; received {Received.Count} post(s).");
            }
        }
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    private async Task<IResult> ReceiveContactAsync(HttpRequest request)
    {
        var json = (await JsonDocument.ParseAsync(request.Body)).RootElement.Clone();
        lock (received)
        {
            contacts.Add(json);
            Changed();
        }

        return Results.StatusCode(Down ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK);
    }

    private void Changed()
    {
        changed.TrySetResult();
        changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private async Task<IResult> ReceiveAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        var body = buffer.ToArray();
        var json = JsonDocument.Parse(body).RootElement.Clone();
        var status = Down ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
        lock (received)
        {
            received.Add(new ReceivedEvent(
                json.GetProperty("id").GetString()!, json.GetProperty("type").GetString()!, json.GetProperty("accountRef").GetString()!, json, body,
                request.Headers["X-Collections-Timestamp"], request.Headers["X-Collections-Signature"], status));
            Changed();
        }

        return Results.StatusCode(status);
    }
}
