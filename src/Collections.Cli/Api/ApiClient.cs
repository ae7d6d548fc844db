using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;

namespace Collections.Cli.Api;

/// <summary>
/// The CLI's only way to the system: HTTP requests to the API with the key header. Errors come back as
/// <see cref="ApiProblemException"/> (the API answered) or <see cref="CliException"/> (it could not be reached).
/// </summary>
public sealed class ApiClient : IDisposable
{
    /// <summary>How long an ordinary request may take; imports stream for as long as the file lasts.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(100);

    private static readonly MediaTypeWithQualityHeaderValue Json = new("application/json");
    private static readonly MediaTypeWithQualityHeaderValue ProblemJson = new("application/problem+json");

    private readonly HttpClient http;

    public ApiClient(ApiSettings settings, HttpMessageHandler? handler = null)
    {
        BaseAddress = settings.BaseAddress;
        http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        http.Timeout = Timeout.InfiniteTimeSpan;
        http.DefaultRequestHeaders.Accept.Add(Json);
        http.DefaultRequestHeaders.Accept.Add(ProblemJson);
        http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("collections-cli", typeof(ApiClient).Assembly.GetName().Version?.ToString(3) ?? "0"));
        if (settings.ApiKey is { } key)
        {
            // The key goes in a header only; it is never part of a URL, a message or a log line.
            http.DefaultRequestHeaders.Add("X-Api-Key", key);
        }
    }

    public Uri BaseAddress { get; }

    /// <summary>An API path (without a leading slash) under the base address; segments are escaped.</summary>
    public Uri Url(string path) => new(BaseAddress, path);

    public static string Segment(string value) => Uri.EscapeDataString(value);

    public Task<JsonElement> GetJsonAsync(string path, CancellationToken cancellationToken) =>
        SendJsonAsync(HttpMethod.Get, path, null, cancellationToken);

    /// <summary>Sends a request and returns the JSON body of a success; throws on anything else.</summary>
    public async Task<JsonElement> SendJsonAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, Url(path)) { Content = content };
        using var response = await SendAsync(request, DefaultTimeout, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new ApiProblemException(await ApiProblem.ReadAsync(response, cancellationToken), method, request.RequestUri!);
        }

        return await ReadJsonAsync(response, request, cancellationToken);
    }

    /// <summary>
    /// Sends a request and returns the response whatever its status; network failures and time-outs
    /// become a <see cref="CliException"/> naming the URL. A null timeout waits as long as it takes.
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timeout is { } limit)
        {
            deadline.CancelAfter(limit);
        }

        try
        {
            return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && timeout is { } allowed)
        {
            throw new CliException($"{request.Method} {request.RequestUri} got no answer within {allowed.TotalSeconds:0} s; is the host at {BaseAddress} overloaded?");
        }
        catch (HttpRequestException ex)
        {
            throw Unreachable(request, ex);
        }
    }

    public async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            using var document = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw new CliException($"{request.Method} {request.RequestUri} answered {(int)response.StatusCode} with a body that is not JSON; does --url point at the Collections API?");
        }
        catch (HttpRequestException ex)
        {
            throw Unreachable(request, ex);
        }
    }

    public void Dispose() => http.Dispose();

    private CliException Unreachable(HttpRequestMessage request, HttpRequestException ex)
    {
        var why = ex.InnerException is SocketException socket ? socket.Message : ex.Message;
        return new CliException(
            $"Could not reach {BaseAddress} ({request.Method} {request.RequestUri}): {why}. Is the host running? Set the address with --url or {ApiSettings.UrlVariable}.",
            ex);
    }
}
