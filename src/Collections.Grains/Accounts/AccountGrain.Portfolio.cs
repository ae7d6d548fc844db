using Collections.Domain.Accounts;
using Collections.Domain.Portfolio;
using Microsoft.Extensions.Logging;

namespace Collections.Grains.Accounts;

/// <summary>
/// Keeping the lender's portfolio counters equal to the sum over its accounts: after every change (and
/// at bucket boundaries, which pass without events) the account reports its contribution; the store
/// applies the difference from the contribution it holds, by compare-and-set, so reports are exact and
/// idempotent. A report that fails is retried by the wake reminder until it lands (<see cref="ReportAsync"/>).
/// </summary>
public sealed partial class AccountGrain
{
    /// <summary>
    /// Reports the account's contribution unless the store is known to hold it; false when it did not land
    /// (the caller brings the wake forward to retry it).
    /// </summary>
    private async Task<bool> ReportPortfolioAsync()
    {
        if (state is null)
        {
            return true;
        }

        var now = clock.Now;
        var next = PortfolioContribution.Of(state, now, await AssignedRulesAsync(state));
        if (reported.Known && reported.Value == next)
        {
            return true;
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
                    return true;
                }

                expected = stored;
            }

            throw new InvalidOperationException("The stored portfolio contribution kept changing under this account.");
        }
        catch (Exception ex)
        {
            reported = default;
            LogPortfolioBehind(logger, ex, Key);
            return false;
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
