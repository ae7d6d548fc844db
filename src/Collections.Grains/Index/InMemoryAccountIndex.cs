using System.Collections.Concurrent;
using Collections.Contracts;

namespace Collections.Grains.Index;

/// <summary>
/// The embedded default's read model: per lender, the summaries, every accountRef in order and one
/// ordered set per filter value, under the lender's lock. Shared by every silo of the process.
/// </summary>
public sealed class InMemoryAccountIndex : IAccountIndex
{
    private sealed class LenderIndex
    {
        public Dictionary<string, AccountSummary> Summaries { get; } = new(StringComparer.Ordinal);

        public SortedSet<string> All { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, SortedSet<string>> Sets { get; } = new(StringComparer.Ordinal);
    }

    private readonly ConcurrentDictionary<string, LenderIndex> lenders = new(StringComparer.Ordinal);

    public Task UpsertAsync(string lenderId, AccountSummary summary)
    {
        var index = lenders.GetOrAdd(lenderId, _ => new LenderIndex());
        lock (index)
        {
            index.Summaries.TryGetValue(summary.AccountRef, out var stored);
            if (stored is not null && stored.Version > summary.Version)
            {
                return Task.CompletedTask;
            }

            var before = stored is null ? new string?[AccountIndexTerms.Fields.Length] : AccountIndexTerms.Of(stored);
            var after = AccountIndexTerms.Of(summary);
            for (var i = 0; i < after.Length; i++)
            {
                if (before[i] == after[i])
                {
                    continue;
                }

                if (before[i] is { } old)
                {
                    index.Sets[AccountIndexTerms.SetName(AccountIndexTerms.Fields[i], old)].Remove(summary.AccountRef);
                }

                if (after[i] is { } value)
                {
                    var name = AccountIndexTerms.SetName(AccountIndexTerms.Fields[i], value);
                    if (!index.Sets.TryGetValue(name, out var set))
                    {
                        index.Sets[name] = set = new SortedSet<string>(StringComparer.Ordinal);
                    }

                    set.Add(summary.AccountRef);
                }
            }

            index.Summaries[summary.AccountRef] = summary;
            index.All.Add(summary.AccountRef);
        }

        return Task.CompletedTask;
    }

    public Task<AccountSummaryPage> SearchAsync(string lenderId, AccountQuery query)
    {
        if (!lenders.TryGetValue(lenderId, out var index))
        {
            return Task.FromResult(new AccountSummaryPage([], null));
        }

        lock (index)
        {
            var sets = AccountIndexTerms.Of(query)
                .Select(t => index.Sets.GetValueOrDefault(AccountIndexTerms.SetName(t.Field, t.Value)))
                .ToList();
            if (sets.Any(s => s is null))
            {
                return Task.FromResult(new AccountSummaryPage([], null));
            }

            var smallest = sets.Count == 0 ? index.All : sets.MinBy(s => s!.Count)!;
            var items = new List<AccountSummary>();
            var walked = 0;
            foreach (var accountRef in After(smallest, query.After))
            {
                walked++;
                var summary = index.Summaries[accountRef];
                if (AccountIndexTerms.Matches(summary, query))
                {
                    items.Add(summary);
                }

                if (items.Count == query.Limit || walked == AccountIndexTerms.WalkBudget)
                {
                    var more = smallest.Max is { } max && string.CompareOrdinal(max, accountRef) > 0;
                    return Task.FromResult(new AccountSummaryPage(items, more ? accountRef : null));
                }
            }

            return Task.FromResult(new AccountSummaryPage(items, null));
        }
    }

    /// <summary>The set's members after <paramref name="after"/> (exclusive), without walking those before it.</summary>
    private static IEnumerable<string> After(SortedSet<string> set, string? after)
    {
        if (set.Count == 0 || set.Max is not { } max)
        {
            return [];
        }

        if (after is null)
        {
            return set;
        }

        return string.CompareOrdinal(after, max) >= 0 ? [] : set.GetViewBetween(after, max).Where(r => r != after);
    }
}
