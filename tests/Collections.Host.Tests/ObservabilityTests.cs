using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;
using static Collections.Host.Tests.Http;

namespace Collections.Host.Tests;

/// <summary>
/// A host whose business clock runs a day per real second and whose contacts go to a lender's webhook
/// (a loopback receiver that accepts them, except for accounts named R-…, which it refuses): within seconds
/// it has imported, escalated, contacted, placed, woken and closed accounts, so every metric the dashboard
/// and the alerts read has been recorded.
/// </summary>
public sealed class BusyHost : IAsyncLifetime, IDisposable
{
    public const string Lender = "L-observed";

    private readonly HttpListener receiver = new();

    public BusyHost()
    {
        var port = FreePort();
        receiver.Prefixes.Add($"http://127.0.0.1:{port}/");
        Host = HostFixture.With("Development", new Dictionary<string, string?>
        {
            ["Collections:Clock:Speed"] = "86400",
            ["Collections:Contacts:Gateway"] = "Webhook",
            [$"Collections:Contacts:Webhooks:{Lender}:Url"] = $"http://127.0.0.1:{port}/contacts",
            [$"Collections:Contacts:Webhooks:{Lender}:Secret"] = "observability-test-secret-0123",
        });
    }

    public HostFixture Host { get; }

    public async Task InitializeAsync()
    {
        receiver.Start();
        _ = AcceptAsync();
        await Host.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        receiver.Close();
    }

    public void Dispose() => receiver.Close();

    private async Task AcceptAsync()
    {
        while (receiver.IsListening)
        {
            try
            {
                var context = await receiver.GetContextAsync();
                var refused = context.Request.Headers[Collections.Grains.Contacts.WebhookSignature.IdempotencyHeader]?.Contains("/R-", StringComparison.Ordinal) == true;
                context.Response.StatusCode = refused ? 422 : 200;
                context.Response.Close();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
        }
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}

public sealed partial class ObservabilityTests(BusyHost busy) : IClassFixture<BusyHost>
{
    private static readonly string Files = Path.Combine(AppContext.BaseDirectory, "observability");

    [Fact]
    public async Task Every_metric_the_dashboard_and_the_alert_rules_read_is_exported_by_a_running_host()
    {
        var used = DashboardExpressions().Concat(AlertExpressions()).SelectMany(MetricNames).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("collections_webhook_deliveries_total", used);
        Assert.Contains("orleans_reminders_tardiness_seconds_bucket", used);

        await MakeActivityAsync();
        var missing = used.ToList();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (missing.Count > 0 && waited.Elapsed < TimeSpan.FromMinutes(3))
        {
            // Wakes and escalations come as the accelerated business days pass (the first within about half
            // a minute): scrape until every name was seen.
            var exported = await ExportedAsync();
            missing.RemoveAll(exported.Contains);
            if (missing.Count > 0)
            {
                await Task.Delay(500);
            }
        }

        Assert.True(missing.Count == 0, $"Not exported at /metrics: {string.Join(", ", missing.Order(StringComparer.Ordinal))}");
    }

    [Fact]
    public void Every_alert_has_a_runbook_section()
    {
        var runbook = File.ReadAllText(Path.Combine(Files, "runbook.md"));
        var alerts = Rules().Select(rule => ((YamlScalarNode)rule.Children[new YamlScalarNode("alert")]).Value!).ToList();

        Assert.NotEmpty(alerts);
        Assert.All(alerts, alert => Assert.Contains($"## {alert}", runbook, StringComparison.Ordinal));
    }

    /// <summary>
    /// An agency for the lender, accounts in Early and in Mid (placed), one whose contacts the webhook refuses,
    /// one paid in full (closed), and a request that answers 404.
    /// </summary>
    private async Task MakeActivityAsync()
    {
        var admin = busy.Host.Admin;
        var agency = await admin.PutAsync($"/api/v1/agencies/{NewId("AG")}", Json($$"""{"name":"Observed","capacity":1000,"lenders":["{{BusyHost.Lender}}"],"commissionRate":0.1}"""));
        Assert.Equal(HttpStatusCode.OK, agency.StatusCode);
        var lines = Enumerable.Range(0, 20).Select(i => Records.Ndjson(NewId("A"), daysPastDue: i % 2 == 0 ? 5 : 40)).Append(Records.Ndjson("R-1")).Append(Records.Ndjson("P-1"));
        var import = await admin.PostAsync($"/api/v1/lenders/{BusyHost.Lender}/accounts/import", Ndjson([.. lines]));
        Assert.Equal(HttpStatusCode.OK, import.StatusCode);
        var payment = await admin.PostAsync($"/api/v1/lenders/{BusyHost.Lender}/accounts/P-1/payments", Json("""{"paymentId":"P1","amount":1000}"""));
        Assert.Equal(HttpStatusCode.OK, payment.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/v1/lenders/{BusyHost.Lender}/accounts/{NewId("A")}")).StatusCode);
    }

    private async Task<HashSet<string>> ExportedAsync()
    {
        var text = await busy.Host.Admin.GetStringAsync("/metrics");
        return [.. text.Split('\n').Where(line => line.Length > 0 && line[0] != '#').Select(line => SampleName().Match(line).Value)];
    }

    private static IEnumerable<string> DashboardExpressions()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(Path.Combine(Files, "collections-dashboard.json")));
        return [.. Expressions(dashboard.RootElement)];

        static IEnumerable<string> Expressions(JsonElement element) => element.ValueKind switch
        {
            JsonValueKind.Object => element.EnumerateObject().SelectMany(p => p.Name == "expr" ? [p.Value.GetString()!] : Expressions(p.Value)),
            JsonValueKind.Array => element.EnumerateArray().SelectMany(Expressions),
            _ => [],
        };
    }

    private static IEnumerable<string> AlertExpressions() =>
        Rules().Select(rule => ((YamlScalarNode)rule.Children[new YamlScalarNode("expr")]).Value!);

    private static IEnumerable<YamlMappingNode> Rules()
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(Files, "collections-alerts.yaml")))
        {
            yaml.Load(reader);
        }

        var groups = (YamlSequenceNode)((YamlMappingNode)yaml.Documents[0].RootNode).Children[new YamlScalarNode("groups")];
        return groups.Cast<YamlMappingNode>().SelectMany(group => ((YamlSequenceNode)group.Children[new YamlScalarNode("rules")]).Cast<YamlMappingNode>());
    }

    /// <summary>The series names of a PromQL expression: what is left without label matchers, groupings, ranges and function calls.</summary>
    private static IEnumerable<string> MetricNames(string expression)
    {
        var bare = LabelMatchers().Replace(expression, " ");
        bare = Groupings().Replace(bare, " ");
        bare = Ranges().Replace(bare, " ");
        return Identifiers().Matches(bare).Select(m => m.Value).Where(name => name is not ("or" or "and" or "unless" or "bool" or "offset"));
    }

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex LabelMatchers();

    [GeneratedRegex(@"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")]
    private static partial Regex Groupings();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex Ranges();

    /// <summary>An identifier not followed by an opening parenthesis (that would be a function).</summary>
    [GeneratedRegex(@"(?<![\w$.])[a-zA-Z_:][a-zA-Z0-9_:]*(?![\w(])(?!\s*\()")]
    private static partial Regex Identifiers();

    [GeneratedRegex(@"^[a-zA-Z_:][a-zA-Z0-9_:]*")]
    private static partial Regex SampleName();
}
