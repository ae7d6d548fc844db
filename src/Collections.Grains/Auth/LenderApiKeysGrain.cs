using System.Collections.Immutable;
using Collections.Contracts;

namespace Collections.Grains.Auth;

[GenerateSerializer, Alias("collections.LenderApiKeysState")]
public sealed class LenderApiKeysState
{
    [Id(0)] public ImmutableList<IssuedApiKey> Keys { get; set; } = [];
}

/// <summary>
/// One lender's issued keys. The key grain stays the authority on whether a key works (revocation takes
/// effect there, on the next request); this list only says which keys are the lender's to see and revoke.
/// </summary>
public sealed class LenderApiKeysGrain(
    [PersistentState("lenderkeys", GrainStorage.Name)] IPersistentState<LenderApiKeysState> state,
    TimeProvider time) : Grain, ILenderApiKeysGrain
{
    public async Task AddAsync(string id, ApiPrincipal principal)
    {
        if (state.State.Keys.Exists(k => k.Id == id))
        {
            return;
        }

        state.State.Keys = state.State.Keys.Add(new IssuedApiKey(id, principal, time.GetUtcNow()));
        await state.WriteOrDeactivateAsync(this);
    }

    public Task<IReadOnlyList<IssuedApiKey>> ListAsync() => Task.FromResult<IReadOnlyList<IssuedApiKey>>(state.State.Keys);

    public async Task<bool> RevokeAsync(string id)
    {
        var index = state.State.Keys.FindIndex(k => k.Id == id && k.RevokedAt is null);
        if (index < 0)
        {
            return false;
        }

        // Revoked at the authority first: a failure after it leaves the key listed active, and revoking again is harmless.
        await GrainFactory.GetGrain<IApiKeyGrain>(id).RevokeAsync();
        state.State.Keys = state.State.Keys.SetItem(index, state.State.Keys[index] with { RevokedAt = time.GetUtcNow() });
        await state.WriteOrDeactivateAsync(this);
        return true;
    }
}
