using Collections.Contracts;
using Collections.Domain.Strategies;

namespace Collections.Grains.Lenders;

[GenerateSerializer, Alias("collections.LenderState")]
public sealed class LenderState
{
    /// <summary>Versions 2 … n, as the lender sent them; version 1 is always the default strategy.</summary>
    [Id(0)] public List<StrategyVersion> Strategies { get; set; } = [];
}

public sealed class LenderGrain(
    [PersistentState("lender", GrainStorage.Name)] IPersistentState<LenderState> state,
    Time.BusinessClock clock) : Grain, ILenderGrain
{
    private static readonly StrategyVersion DefaultVersion = new(1, StrategyDocument.DefaultJson, null);

    public Task<StrategyVersion?> GetStrategyAsync(int? version)
    {
        var versions = state.State.Strategies;
        var found = version switch
        {
            null => versions.Count > 0 ? versions[^1] : DefaultVersion,
            1 => DefaultVersion,
            { } v when v >= 2 && v - 2 < versions.Count => versions[v - 2],
            _ => null,
        };
        return Task.FromResult(found);
    }

    public async Task<StrategyVersion> PutStrategyAsync(string normalizedDocument)
    {
        var created = new StrategyVersion(state.State.Strategies.Count + 2, normalizedDocument, clock.Now);
        state.State.Strategies.Add(created);
        await state.WriteOrDeactivateAsync(this);

        return created;
    }
}
