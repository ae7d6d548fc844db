using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using OpenTelemetry;
using OpenTelemetry.Trace;
using static Collections.Host.Tests.Http;

namespace Collections.Host.Tests;

/// <summary>
/// A host with <c>Collections:Tracing</c> on (every trace sampled), its spans read from the tracing
/// pipeline itself by one more processor beside the OTLP exporter.
/// </summary>
public sealed class TracedHost : IAsyncLifetime
{
    public TracedHost() => Host = HostFixture.With("Development", new Dictionary<string, string?>
    {
        // Nothing listens there: the exporter's failures are its own business, the pipeline is the real one.
        ["Collections:Tracing:OtlpEndpoint"] = "http://127.0.0.1:9",
        ["Collections:Tracing:SampleRatio"] = "1",
    }, services => services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddProcessor(Spans)));

    public HostFixture Host { get; }

    public TracingTests.Spans Spans { get; } = new();

    public Task InitializeAsync() => Host.InitializeAsync();

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        Spans.Dispose();
    }
}

public sealed class TracingTests(TracedHost traced) : IClassFixture<TracedHost>
{
    private const string Phone = "+8613800138000";

    private readonly HostFixture host = traced.Host;
    private readonly Spans spans = traced.Spans;

    [Fact]
    public async Task One_import_is_one_trace_from_the_http_request_through_the_account_grain_to_storage()
    {
        var lender = NewId("L");
        var response = await host.Admin.PostAsync($"/api/v1/lenders/{lender}/accounts/import", Csv(Records.CsvHeader, Records.Csv("T-1")));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var request = await spans.ServerSpan($"/api/v1/lenders/{lender}/accounts/import");
        var trace = spans.InTrace(request.TraceId);
        // The account grain's side of the call (the caller's side is a client span).
        var accountCall = Assert.Single(trace, s => s.Source.Name == "Microsoft.Orleans.Application" && s.Kind == ActivityKind.Server
                                                    && s.DisplayName.StartsWith("IAccountGrain/", StringComparison.Ordinal));
        var appends = trace.Where(s => s.Source.Name == "Collections.Storage" && s.DisplayName == "account_events append").ToList();

        Assert.True(Descends(accountCall, request, trace), "the account grain's span is under the HTTP request's");
        Assert.NotEmpty(appends);
        Assert.All(appends, append => Assert.True(Descends(append, accountCall, trace), "the append's span is under the account grain's"));
    }

    [Fact]
    public async Task Spans_carry_no_query_string_and_no_personal_data_of_the_imported_lines()
    {
        var lender = NewId("L");
        await host.Admin.PostAsync($"/api/v1/lenders/{lender}/accounts/import?phone={Uri.EscapeDataString(Phone)}", Csv(Records.CsvHeader, Records.Csv("T-2")));

        var request = await spans.ServerSpan($"/api/v1/lenders/{lender}/accounts/import");
        var trace = spans.InTrace(request.TraceId);

        Assert.Null(request.GetTagItem("url.query"));
        var texts = trace.SelectMany(s => s.TagObjects.Select(t => $"{t.Value}").Append(s.DisplayName)).ToList();
        Assert.DoesNotContain(texts, text => text.Contains(Phone, StringComparison.Ordinal) || text.Contains("Test Borrower", StringComparison.Ordinal));
    }

    private static bool Descends(Activity span, Activity ancestor, IReadOnlyList<Activity> trace)
    {
        for (var parent = span.ParentSpanId; parent != default; parent = trace.FirstOrDefault(s => s.SpanId == parent)?.ParentSpanId ?? default)
        {
            if (parent == ancestor.SpanId)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The spans the host ended, and a signal for each HTTP request served.</summary>
    public sealed class Spans : BaseProcessor<Activity>
    {
        private readonly ConcurrentQueue<Activity> ended = new();
        private readonly ConcurrentDictionary<string, TaskCompletionSource<Activity>> served = new();

        public override void OnEnd(Activity data)
        {
            ended.Enqueue(data);
            if (data.Kind == ActivityKind.Server && data.GetTagItem("url.path") is string path)
            {
                Served(path).TrySetResult(data);
            }
        }

        /// <summary>The server span of the first request served at <paramref name="path"/>, once it ended.</summary>
        public Task<Activity> ServerSpan(string path) => Served(path).Task.WaitAsync(TimeSpan.FromSeconds(30));

        public IReadOnlyList<Activity> InTrace(ActivityTraceId traceId) => [.. ended.Where(s => s.TraceId == traceId)];

        private TaskCompletionSource<Activity> Served(string path) =>
            served.GetOrAdd(path, _ => new(TaskCreationOptions.RunContinuationsAsynchronously));
    }
}
