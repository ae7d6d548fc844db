using System.Runtime.CompilerServices;

namespace Collections.Contracts;

/// <summary>Reading an account's whole audit trail, however long, one bounded page at a time.</summary>
public static class AccountHistory
{
    /// <summary>Events per grain call: large enough to be quick, small enough to keep messages small.</summary>
    public const int PageSize = 500;

    /// <summary>
    /// Every stored event (its JSON) with a sequence number up to <paramref name="upTo"/>, in order. Reading
    /// stops there so that the history matches a view taken at that version even while events keep arriving.
    /// </summary>
    public static async IAsyncEnumerable<string> ReadAllAsync(
        this IAccountGrain account, long upTo, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        long after = 0;
        while (after < upTo)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var page = await account.GetEventsAsync(after, (int)Math.Min(PageSize, upTo - after));
            if (page is null || page.Items.IsEmpty)
            {
                yield break;
            }

            foreach (var item in page.Items)
            {
                yield return item;
            }

            after += page.Items.Length;
        }
    }
}
