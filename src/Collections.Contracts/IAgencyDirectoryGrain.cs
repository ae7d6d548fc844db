using System.Collections.Immutable;
using Collections.Domain.Agencies;

namespace Collections.Contracts;

/// <summary>An agency as allocation sees it in the directory.</summary>
[GenerateSerializer, Immutable, Alias("collections.AgencyListing")]
public sealed record AgencyListing(
    [property: Id(0)] string AgencyId,
    [property: Id(1)] AgencyProfile Profile);

/// <summary>
/// The list of agencies, one grain for the cluster. It is read by each silo's allocation cache once per
/// refresh interval (not per placement) and written when an agency's profile changes, so its load
/// grows with silos and agencies, never with placements.
/// </summary>
[Alias("collections.IAgencyDirectoryGrain")]
public interface IAgencyDirectoryGrain : IGrainWithStringKey
{
    public const string Key = "all";

    [Alias("Upsert")]
    Task UpsertAsync(AgencyListing listing);

    [Alias("List"), Orleans.Concurrency.ReadOnly]
    Task<ImmutableArray<AgencyListing>> ListAsync();
}
