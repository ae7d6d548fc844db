using System.Collections.Concurrent;
using Collections.Contracts;
using Collections.Domain;
using Collections.Domain.Accounts;
using Collections.Domain.Strategies;

namespace Collections.Grains.Lenders;

/// <summary>
/// A silo-wide cache of lenders' strategies, so that a million account activations do not all call one
/// lender grain. Versions never change once written, so they are cached for good; which version is the
/// latest is re-read after <see cref="LatestTtl"/>, the longest a new version takes to reach new accounts.
/// </summary>
public sealed class StrategyProvider(IGrainFactory grains, TimeProvider time)
{
    public static readonly TimeSpan LatestTtl = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<(string Lender, int Version), Strategy> versions = new();
    private readonly ConcurrentDictionary<string, (int Version, DateTimeOffset ReadAt)> latest = new(StringComparer.Ordinal);

    /// <summary>The latest version, under the variant the account is in (chosen from its ref on first sight).</summary>
    public async ValueTask<StrategyInForce> LatestAsync(string lenderId, string accountRef, StrategyVariant? variant = null)
    {
        var now = time.GetUtcNow();
        int version;
        if (latest.TryGetValue(lenderId, out var cached) && now - cached.ReadAt < LatestTtl)
        {
            version = cached.Version;
        }
        else
        {
            var current = await grains.GetGrain<ILenderGrain>(lenderId).GetStrategyAsync(null)
                ?? throw new InvalidOperationException($"Lender {lenderId} has no latest strategy.");
            versions.TryAdd((lenderId, current.Version), Parse(current));
            latest[lenderId] = (current.Version, now);
            version = current.Version;
        }

        var strategy = await VersionAsync(lenderId, version);
        return InForce(strategy, version, variant ?? strategy.VariantFor(accountRef));
    }

    /// <summary>The rules an account follows under its recorded strategy reference.</summary>
    public async ValueTask<Strategy> RulesAsync(string lenderId, StrategyRef strategyRef) =>
        (await VersionAsync(lenderId, strategyRef.Version)).For(strategyRef.Variant);

    private async ValueTask<Strategy> VersionAsync(string lenderId, int version)
    {
        if (versions.TryGetValue((lenderId, version), out var strategy))
        {
            return strategy;
        }

        var stored = await grains.GetGrain<ILenderGrain>(lenderId).GetStrategyAsync(version)
            ?? throw new InvalidOperationException($"Lender {lenderId} has no strategy version {version}.");
        return versions.GetOrAdd((lenderId, version), Parse(stored));
    }

    private static StrategyInForce InForce(Strategy strategy, int version, StrategyVariant variant)
    {
        var rules = strategy.For(variant);
        return new StrategyInForce(new StrategyRef(rules.Name, version, variant), rules);
    }

    private static Strategy Parse(StrategyVersion stored) =>
        StrategyDocument.Parse(stored.Document).Strategy
            ?? throw new InvalidOperationException($"Stored strategy version {stored.Version} no longer parses.");
}
