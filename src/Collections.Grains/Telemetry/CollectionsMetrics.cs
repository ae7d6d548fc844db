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

    public CollectionsMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        opened = meter.CreateCounter<long>("collections.accounts.opened", "{account}", "Accounts opened or reopened in collections");
        escalations = meter.CreateCounter<long>("collections.escalations", "{escalation}", "Stage entries, by stage");
        closed = meter.CreateCounter<long>("collections.accounts.closed", "{account}", "Accounts that left collections, by reason");
        payments = meter.CreateCounter<long>("collections.payments", "{payment}", "Payments recorded");
        wakeLag = meter.CreateHistogram<double>("collections.wake.lag", "s", "Real seconds between an account's due business event and the wake that handled it");
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
            }
        }
    }

    public void WakeLag(TimeSpan lag) => wakeLag.Record(Math.Max(0, lag.TotalSeconds));

    public void ImportRow(string outcome) => importRows.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
}
