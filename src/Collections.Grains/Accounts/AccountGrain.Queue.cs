using Collections.Contracts;
using Collections.Domain;
using Collections.Domain.Queues;
using Collections.Grains.Queues;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Collections.Grains.Accounts;

/// <summary>
/// The account's entry in its lender's work queues (<see cref="WorkQueue"/>), kept by the account itself
/// after each change — no batch rebuild: written only when the entry differs from the one the store
/// holds, so a commit that changes nothing a queue orders by costs no write. An entry that went stale
/// with time alone (the debtor's hours ended, a wait began on another account) is put right when a
/// queue offers the account to a collector and the account refuses (<see cref="OfferCallAsync"/>).
/// </summary>
public sealed partial class AccountGrain : IAccountQueueGrain
{
    private IWorkQueueStore WorkQueues => ServiceProvider.GetRequiredService<IWorkQueueStore>();

    public async Task<CallOffer?> OfferCallAsync()
    {
        if (state is null)
        {
            return null;
        }

        var permission = (await GetContactPermissionAsync(ContactChannel.Call))!;
        var entry = await QueueAsync();
        return new CallOffer(permission, await ViewAsync(state), entry?.Stage, entry?.Segment);
    }

    /// <summary>
    /// Puts the account's entry in the store when it changed; a failure is logged and left for the next
    /// change or offer to put right (the entry is only a hint: an offer always asks the account).
    /// </summary>
    private async Task<WorkQueueEntry?> QueueAsync()
    {
        var entry = state is null ? null : WorkQueue.EntryOf(state, clock.Now, await AssignedRulesAsync(state));
        if (queued.Known && queued.Value == entry)
        {
            return entry;
        }

        try
        {
            var (lenderId, accountRef) = AccountKey.Parse(Key);
            await gate.RunAsync(() => WorkQueues.SetAsync(lenderId, accountRef, entry));
            queued = (true, entry);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            queued = default;
            LogQueueBehind(logger, ex, Key);
        }

        return entry;
    }

    [LoggerMessage(EventId = 1060, Level = LogLevel.Warning, Message = "Account {AccountKey} could not update its work queue entry; its next change or offer does")]
    private static partial void LogQueueBehind(ILogger logger, Exception exception, string accountKey);
}
