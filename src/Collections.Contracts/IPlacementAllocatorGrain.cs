namespace Collections.Contracts;

/// <summary>An account due for placement asks allocation for a slot.</summary>
[GenerateSerializer, Immutable, Alias("collections.AllocationRequest")]
public sealed record AllocationRequest(
    [property: Id(0)] PlacementReservation Reservation,
    [property: Id(1)] string? ExcludeAgencyId);

public enum AllocationOutcome
{
    /// <summary>A slot is reserved with <see cref="AllocationResult.AgencyId"/>.</summary>
    Reserved,

    /// <summary>Agencies serve the account but none has room now: it waits.</summary>
    NoRoom,

    /// <summary>No agency (other than the one it just left) serves the account's lender and region.</summary>
    NoAgency,
}

[GenerateSerializer, Immutable, Alias("collections.AllocationResult")]
public sealed record AllocationResult(
    [property: Id(0)] AllocationOutcome Outcome,
    [property: Id(1)] string? AgencyId,
    [property: Id(2)] decimal CommissionRate,
    [property: Id(3)] int Candidates);

/// <summary>
/// Allocation: a stateless worker, so every silo runs its own activations locally and no allocation
/// grain is shared by the cluster. It chooses among the agencies of a per-silo cached directory,
/// weighted by performance, and reserves with the agency grain, which alone decides whether it has room.
/// </summary>
[Alias("collections.IPlacementAllocatorGrain")]
public interface IPlacementAllocatorGrain : IGrainWithIntegerKey
{
    [Alias("Allocate")]
    Task<AllocationResult> AllocateAsync(AllocationRequest request);
}
