using System.Diagnostics.Metrics;
using Collections.Domain.Events;

namespace Collections.Grains.Telemetry;

/// <summary>
/// The business meters SREs watch (exported at /metrics): what the accounts did, and how late their
/// wakes fired. Tags are low-cardinality names (stage, reason, outcome, channel, rule) — never ids or
/// personal data.
/// </summary>
public sealed class CollectionsMetrics
{
    public const string MeterName = "Collections";

    private readonly Counter<long> opened;
    private readonly Counter<long> escalations;
    private readonly Counter<long> closed;
    private readonly Counter<long> payments;
    private readonly Histogram<double> wakeLag;
    private readonly Counter<long> importRows;
    private readonly Counter<long> contactsPlanned;
    private readonly Counter<long> contactsSent;
    private readonly Counter<long> contactsSuppressed;
    private readonly Counter<long> contactsFailed;
    private readonly Counter<long> contactsRecorded;
    private readonly Counter<long> contactDispatches;
    private readonly Counter<long> placements;
    private readonly Counter<long> contactsRequested;
    private readonly Counter<long> webhookDeliveries;
    private readonly Histogram<double> webhookDuration;

    // The latest cluster-wide counts, replaced whole by a background refresh: the gauge's callback runs
    // on the exporter's thread and must neither block nor call grains.
    private volatile IReadOnlyList<Measurement<long>> accountsByStage = [];

    public CollectionsMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        opened = meter.CreateCounter<long>("collections.accounts.opened", "{account}", "Accounts opened or reopened in collections");
        escalations = meter.CreateCounter<long>("collections.escalations", "{escalation}", "Stage entries, by stage");
        closed = meter.CreateCounter<long>("collections.accounts.closed", "{account}", "Accounts that left collections, by reason");
        payments = meter.CreateCounter<long>("collections.payments", "{payment}", "Payments recorded");
        wakeLag = meter.CreateHistogram<double>("collections.wake.lag", "s", "Real seconds between an account's due business event and the wake that handled it");
        contactsPlanned = meter.CreateCounter<long>("collections.contacts.planned", "{contact}", "Contacts the strategy's plan called for, by channel");
        contactsSent = meter.CreateCounter<long>("collections.contacts.sent", "{contact}", "Planned contacts the channel gateway accepted, by channel");
        contactsSuppressed = meter.CreateCounter<long>("collections.contacts.suppressed", "{contact}", "Planned contacts not made, by channel and the rule that suppressed them");
        contactsFailed = meter.CreateCounter<long>("collections.contacts.failed", "{contact}", "Contacts not sent (refused or given up) or reported failed by the gateway, by channel");
        contactsRecorded = meter.CreateCounter<long>("collections.contacts.recorded", "{contact}", "Contacts made by the lender's team, by channel");
        contactDispatches = meter.CreateCounter<long>("collections.contacts.dispatch.attempts", "{send}", "Sends to the channel gateway (each with its HTTP retries), by channel and result");
        placements = meter.CreateCounter<long>("collections.placements", "{placement}", "Accounts placed with an agency (AccountPlaced recorded)");
        contactsRequested = meter.CreateCounter<long>("collections.contacts.requested", "{contact}",
            "Contacts put in an account's outbox for the gateway, by channel; minus sent and failed (source dispatch), the outbox backlog's growth");
        webhookDeliveries = meter.CreateCounter<long>("collections.webhook.deliveries", "{delivery}",
            "Posts of a contact to its lender's webhook (each with its HTTP retries), by result: delivered, refused, failed, circuit_open, unconfigured");
        webhookDuration = meter.CreateHistogram<double>("collections.webhook.duration", "s",
            "Real seconds one post to a lender's webhook took, retries included, by result",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30] });
        meter.CreateObservableGauge("collections.accounts", () => accountsByStage, "{account}",
            "Active accounts in the whole cluster by lender and stage, from the pre-aggregated portfolio figures; every process that refreshes it reports the same cluster-wide value, so aggregate with max, not sum");
        importRows = meter.CreateCounter<long>("collections.import.rows", "{row}", "Import lines, by outcome (created, updated, unchanged, rejected …)");
    }

    /// <summary>Counts what a committed batch of account events did.</summary>
    public void Recorded(IEnumerable<AccountEventData> events)
    {
        foreach (var data in events)
        {
            switch (data)
            {
                case AccountOpened or AccountReopened:
                    opened.Add(1);
                    break;
                case StageEntered entered:
                    escalations.Add(1, new KeyValuePair<string, object?>("stage", entered.Stage.ToString()));
                    break;
                case AccountClosed close:
                    closed.Add(1, new KeyValuePair<string, object?>("reason", close.Reason.ToString()));
                    break;
                case PaymentReceived:
                    payments.Add(1);
                    break;
                case AccountPlaced:
                    placements.Add(1);
                    break;
                case ContactPlanned planned:
                    contactsPlanned.Add(1, Channel(planned.Channel));
                    break;
                case ContactDispatchRequested requested:
                    contactsRequested.Add(1, Channel(requested.Channel));
                    break;
                case ContactSent sent:
                    contactsSent.Add(1, Channel(sent.Channel));
                    break;
                case ContactSuppressed suppressed:
                    contactsSuppressed.Add(1, Channel(suppressed.Channel), new KeyValuePair<string, object?>("rule", suppressed.Rule));
                    break;
                case ContactDispatchFailed failed:
                    contactsFailed.Add(1, Channel(failed.Channel), new KeyValuePair<string, object?>("source", "dispatch"));
                    break;
                case ContactResultReceived { Status: Domain.Contacts.ContactResultStatus.Failed } result:
                    contactsFailed.Add(1, Channel(result.Channel), new KeyValuePair<string, object?>("source", "gateway"));
                    break;
                case ContactRecorded recorded:
                    contactsRecorded.Add(1, Channel(recorded.Channel));
                    break;
            }
        }
    }

    /// <summary>Replaces what <c>collections.accounts</c> reports: active accounts per (lender, stage), cluster-wide.</summary>
    public void AccountsByStage(IEnumerable<(string Lender, string Stage, long Count)> counts) =>
        accountsByStage = [.. counts.Select(c => new Measurement<long>(c.Count,
            new KeyValuePair<string, object?>("lender", c.Lender), new KeyValuePair<string, object?>("stage", c.Stage)))];

    /// <summary>One send of a contact to the gateway: sent, failed (retried later) or refused.</summary>
    public void ContactDispatchRound(Domain.ContactChannel channel, string result) =>
        contactDispatches.Add(1, Channel(channel), new KeyValuePair<string, object?>("result", result));

    /// <summary>One post to a lender's webhook and how it ended.</summary>
    public void WebhookDelivery(string result, TimeSpan elapsed)
    {
        var tag = new KeyValuePair<string, object?>("result", result);
        webhookDeliveries.Add(1, tag);
        webhookDuration.Record(elapsed.TotalSeconds, tag);
    }

    private static KeyValuePair<string, object?> Channel(Domain.ContactChannel channel) => new("channel", channel.ToString());

    public void WakeLag(TimeSpan lag) => wakeLag.Record(Math.Max(0, lag.TotalSeconds));

    public void ImportRow(string outcome) => importRows.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
}
