using System.Security.Cryptography;
using Collections.Contracts;

namespace Collections.Grains.Auth;

[GenerateSerializer, Alias("collections.ApiKeyState")]
public sealed class ApiKeyState
{
    [Id(0)] public byte[]? KeyHash { get; set; }

    [Id(1)] public ApiPrincipal? Principal { get; set; }

    [Id(2)] public DateTimeOffset CreatedAt { get; set; }

    [Id(3)] public DateTimeOffset? RevokedAt { get; set; }
}

public sealed class ApiKeyGrain(
    [PersistentState("apikey", GrainStorage.Name)] IPersistentState<ApiKeyState> state,
    TimeProvider time) : Grain, IApiKeyGrain
{
    public async Task CreateAsync(byte[] keyHash, ApiPrincipal principal)
    {
        if (state.State.KeyHash is not null)
        {
            throw new InvalidOperationException("An API key with this id already exists.");
        }

        state.State = new ApiKeyState { KeyHash = keyHash, Principal = principal, CreatedAt = time.GetUtcNow() };
        await state.WriteOrDeactivateAsync(this);
    }

    public Task<ApiPrincipal?> VerifyAsync(byte[] keyHash)
    {
        var stored = state.State;
        var valid = stored.KeyHash is not null && stored.RevokedAt is null &&
            CryptographicOperations.FixedTimeEquals(stored.KeyHash, keyHash);
        return Task.FromResult(valid ? stored.Principal : null);
    }

    public async Task<bool> RevokeAsync()
    {
        if (state.State.KeyHash is null || state.State.RevokedAt is not null)
        {
            return false;
        }

        state.State.RevokedAt = time.GetUtcNow();
        await state.WriteOrDeactivateAsync(this);
        return true;
    }
}
