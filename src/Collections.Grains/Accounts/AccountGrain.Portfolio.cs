using Collections.Domain.Accounts;
using Collections.Domain.Portfolio;
using Microsoft.Extensions.Logging;

namespace Collections.Grains.Accounts;

/// <summary>
/// Keeping the lender's portfolio counters equal to the sum over its accounts: after every change (and
/// at bucket boundaries, which pass without events) the account reports its contribution; the store
/// applies the difference from the contribution it holds, by compare-and-set, so reports are exact and
/// idempotent. A report that fails is retried by the wake reminder until it lands.
/// </summary>
public sealed partial class AccountGrain
{
    /// <summary>The contribution the store holds for this account, when this activation knows it.</summary>
    private (bool Known, PortfolioContribution? Value) reported;

    /// <summary>
    /// The state as this activation loaded it. While <see cref="reported"/> is unknown, its contribution is
    /// what the store most likely holds (every commit reports; nothing for an account new to storage). Only
    /// a guess — the compare-and-set answers with the stored value when it is wrong — but a right one saves
    /// reading it first; activations that only serve reads never compute it. Dropped once a report lands.
    /// </summary>
    private AccountState? loaded;

    private async Task ReportPortfolioAsync()
    {
        if (state is null)
        {
            return;
        }

        var now = clock.Now;
        var next = PortfolioContribution.Of(state, now, await AssignedRulesAsync(state));
        if (reported.Known && reported.Value == next)
        {
            return;
        }

        try
        {
            var expected = reported.Known ? reported.Value
                : loaded is null ? null : PortfolioContribution.Of(loaded, now, await AssignedRulesAsync(loaded));
            for (var attempt = 0; attempt < 3; attempt++)
            {
                var (applied, stored) = await gate.RunAsync(() => portfolio.ReportAsync(state.LenderId, state.AccountRef, expected, next, PortfolioContribution.PeriodOf(now)));
                if (applied)
                {
                    reported = (true, next);
                    loaded = null;
                    return;
                }

                expected = stored;
            }

            throw new InvalidOperationException("The stored portfolio contribution kept changing under this account.");
        }
        catch (Exception ex)
        {
            reported = default;
            LogPortfolioBehind(logger, ex, Key);

            // Nothing else may happen to this account for a long time (a closed one has no wake at all):
            // wake soon so the figures catch up.
            var retry = wakeOptions.Value.RetryPeriod;
            var due = registeredWake.At is { } at && clock.RealDelayUntil(at) < retry ? clock.RealDelayUntil(at) : retry;
            await RegisterWakeReminderAsync(due);
            registeredWake = default;
        }
    }

    private Wake? BucketWake(AccountState account, Domain.Strategies.Strategy rules) =>
        PortfolioContribution.NextBucketChange(account, clock.Now, rules) is { } at ? new Wake(at, "bucket change") : null;

    /// <summary>How late the wake fired after the business event it was due for, in real seconds.</summary>
    private async Task RecordWakeLagAsync(AccountState account)
    {
        var now = clock.Now;
        if (await NextWakeAsync(account) is { } wake && wake.At <= now)
        {
            metrics.WakeLag((now - wake.At) / clock.Speed);
        }
    }

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "Account {AccountKey} could not report its portfolio contribution; the wake retries it")]
    private static partial void LogPortfolioBehind(ILogger logger, Exception exception, string accountKey);
}
