namespace Collections.Contracts;

/// <summary>One version of a lender's strategy document (normalized: defaults merged in).</summary>
[GenerateSerializer, Immutable, Alias("collections.StrategyVersion")]
public sealed record StrategyVersion(
    [property: Id(0)] int Version,
    [property: Id(1)] string Document,
    [property: Id(2)] DateTimeOffset? CreatedAt);

/// <summary>
/// A lender's configuration: its versioned strategy. Version 1 is the default strategy until the
/// lender sends its own; each PUT adds a version and old versions stay, since accounts keep theirs.
/// </summary>
[Alias("collections.ILenderGrain")]
public interface ILenderGrain : IGrainWithStringKey
{
    /// <summary>A given version, or the latest when <paramref name="version"/> is null; null if there is no such version.</summary>
    [Alias("GetStrategy"), Orleans.Concurrency.ReadOnly]
    Task<StrategyVersion?> GetStrategyAsync(int? version);

    /// <summary>Adds a new version from an already validated, normalized document.</summary>
    [Alias("PutStrategy")]
    Task<StrategyVersion> PutStrategyAsync(string normalizedDocument);
}
