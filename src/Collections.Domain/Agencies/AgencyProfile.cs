using System.Collections.Immutable;
using Collections.Domain.Accounts;
using Orleans;

namespace Collections.Domain.Agencies;

/// <summary>
/// A collection agency as the platform's administrator describes it: whom it serves (lenders, and
/// regions — none listed means every region), how many accounts it may hold at once, and its commission.
/// </summary>
[GenerateSerializer, Immutable, Alias("collections.AgencyProfile")]
public sealed record AgencyProfile(
    [property: Id(0)] string Name,
    [property: Id(1)] int Capacity,
    [property: Id(2)] ImmutableArray<string> Lenders,
    [property: Id(3)] decimal CommissionRate,
    [property: Id(4)] ImmutableArray<string> Regions)
{
    public const int MaxNameLength = 200;
    public const int MaxCapacity = 10_000_000;
    public const int MaxListLength = 1000;

    /// <summary>Whether the agency takes accounts of <paramref name="lenderId"/> in <paramref name="region"/> (any region when none is set).</summary>
    public bool Serves(string lenderId, string? region) =>
        Lenders.Contains(lenderId, StringComparer.Ordinal)
        && (Regions.IsDefaultOrEmpty || region is null || Regions.Contains(region, StringComparer.OrdinalIgnoreCase));

    /// <summary>A profile from a request's fields, or every problem with them by field name.</summary>
    public static (AgencyProfile? Profile, ImmutableDictionary<string, string> Errors) Create(
        string? name, int? capacity, IReadOnlyList<string?>? lenders, decimal? commissionRate, IReadOnlyList<string?>? regions)
    {
        var errors = ImmutableDictionary.CreateBuilder<string, string>();
        if (string.IsNullOrWhiteSpace(name) || name.Trim().Length > MaxNameLength)
        {
            errors["name"] = $"is required (1–{MaxNameLength} characters)";
        }

        if (capacity is not { } cap || cap < 0 || cap > MaxCapacity)
        {
            errors["capacity"] = $"is required: the most accounts the agency holds at once (0–{MaxCapacity}; 0 takes no new placements)";
        }

        if (lenders is null || lenders.Count > MaxListLength || lenders.Any(l => l is null || !AccountRecordParser.IsValidAccountRef(l)))
        {
            errors["lenders"] = $"is required: the lender ids the agency serves (each 1–64 of A–Z a–z 0–9 . _ : -; at most {MaxListLength})";
        }

        if (commissionRate is not { } rate || rate < 0 || rate > 1 || decimal.Round(rate, 4) != rate)
        {
            errors["commissionRate"] = "is required: the share of collected money the agency earns, from 0 to 1 with at most 4 decimals (0.18 = 18%)";
        }

        if (regions is not null && (regions.Count > MaxListLength || regions.Any(r => string.IsNullOrWhiteSpace(r) || r.Length > 64)))
        {
            errors["regions"] = "must list regions of 1–64 characters; leave it empty to serve every region";
        }

        if (errors.Count > 0)
        {
            return (null, errors.ToImmutable());
        }

        return (new AgencyProfile(
            name!.Trim(),
            capacity!.Value,
            [.. lenders!.Select(l => l!).Distinct(StringComparer.Ordinal)],
            commissionRate!.Value,
            [.. (regions ?? []).Select(r => r!.Trim()).Distinct(StringComparer.OrdinalIgnoreCase)]), ImmutableDictionary<string, string>.Empty);
    }
}
