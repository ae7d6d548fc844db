using Collections.Grains.Index;
using Microsoft.Extensions.Logging;

namespace Collections.Grains.Accounts;

/// <summary>
/// Keeping the account read model: after every change (and at bucket boundaries, which pass without
/// events) the account files its summary, only when something in it changed since this activation last
/// filed it. The store ignores a summary older than the one it holds, so retries and a rebuild running
/// beside live accounts are harmless; a write that fails is retried by the wake like a portfolio report.
/// </summary>
public sealed partial class AccountGrain
{
    /// <summary>False when the summary did not land (the caller brings the wake forward to retry it).</summary>
    private async Task<bool> IndexAsync()
    {
        if (state is null)
        {
            return true;
        }

        var summary = AccountSummaries.Of(state, clock.Now, await AssignedRulesAsync(state));
        if (AccountSummaries.SameContent(indexed, summary))
        {
            return true;
        }

        try
        {
            await gate.RunAsync(() => index.UpsertAsync(state.LenderId, summary));
            indexed = summary;
            return true;
        }
        catch (Exception ex)
        {
            indexed = null;
            LogIndexBehind(logger, ex, Key);
            return false;
        }
    }

    [LoggerMessage(EventId = 1040, Level = LogLevel.Warning, Message = "Account {AccountKey} could not file its summary in the account index; the wake retries it")]
    private static partial void LogIndexBehind(ILogger logger, Exception exception, string accountKey);
}
