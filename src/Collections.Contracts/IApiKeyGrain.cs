namespace Collections.Contracts;

public enum ApiRole
{
    Admin,
    Lender,
    Agency,

    /// <summary>A lender's collector, member of one team: works accounts but approves, closes and configures nothing.</summary>
    Collector,

    /// <summary>A lender's dialer or messaging vendor: contacts and their results only.</summary>
    Gateway,

    /// <summary>Reads everything of one lender and changes nothing.</summary>
    Auditor,
}

/// <summary>Who an API key speaks for.</summary>
[GenerateSerializer, Immutable, Alias("collections.ApiPrincipal")]
public sealed record ApiPrincipal(
    [property: Id(0)] ApiRole Role,
    [property: Id(1)] string? LenderId,
    [property: Id(2)] string? AgencyId,
    [property: Id(3)] string? TeamId = null);

/// <summary>
/// One issued API key, keyed by its id. Only the key's SHA-256 hash is stored; a key is 256 random
/// bits, so a fast hash is enough (no password stretching needed). One grain per key keeps
/// authentication off any single hot grain, and revocation takes effect on the next request.
/// </summary>
[Alias("collections.IApiKeyGrain")]
public interface IApiKeyGrain : IGrainWithStringKey
{
    [Alias("Create")]
    Task CreateAsync(byte[] keyHash, ApiPrincipal principal);

    /// <summary>The principal when <paramref name="keyHash"/> matches a key that is not revoked.</summary>
    [Alias("Verify"), Orleans.Concurrency.ReadOnly]
    Task<ApiPrincipal?> VerifyAsync(byte[] keyHash);

    /// <summary>Revokes the key; false when there was no such key.</summary>
    [Alias("Revoke")]
    Task<bool> RevokeAsync();
}

/// <summary>A key a lender issued, as the lender lists it: who it speaks for and when — never the key itself.</summary>
[GenerateSerializer, Immutable, Alias("collections.IssuedApiKey")]
public sealed record IssuedApiKey(
    [property: Id(0)] string Id,
    [property: Id(1)] ApiPrincipal Principal,
    [property: Id(2)] DateTimeOffset CreatedAt,
    [property: Id(3)] DateTimeOffset? RevokedAt = null);

/// <summary>
/// The keys issued at a lender's own endpoint (<c>POST /api/v1/lenders/{lenderId}/api-keys</c>), keyed by
/// lenderId: what the lender may list and revoke. A key of another lender is never here, so revoking
/// one answers as if it did not exist.
/// </summary>
[Alias("collections.ILenderApiKeysGrain")]
public interface ILenderApiKeysGrain : IGrainWithStringKey
{
    /// <summary>Lists a key before it is created, so that a key that works is always one the lender can revoke.</summary>
    [Alias("Add")]
    Task AddAsync(string id, ApiPrincipal principal);

    /// <summary>The keys issued, oldest first, revoked ones with the time they were revoked.</summary>
    [Alias("List"), Orleans.Concurrency.ReadOnly]
    Task<IReadOnlyList<IssuedApiKey>> ListAsync();

    /// <summary>Revokes a key this lender issued (it stops working at once); false when there is no such active key here.</summary>
    [Alias("Revoke")]
    Task<bool> RevokeAsync(string id);
}
