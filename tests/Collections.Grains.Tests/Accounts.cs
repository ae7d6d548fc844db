using Collections.Contracts;
using Collections.Domain;
using Collections.Domain.Accounts;

namespace Collections.Grains.Tests;

/// <summary>Test data: lender records and fresh account keys.</summary>
public static class Accounts
{
    public const string Lender = "L-test";

    public static string NewRef() => $"A-{Guid.NewGuid():N}";

    public static AccountRecord Record(string accountRef, DateOnly dueDate, decimal principal = 1000m, decimal? pastDue = null) =>
        new(accountRef, Product.Installment, "CNY", new Balance(principal, 0, 0, 0), dueDate, null, pastDue,
            new Debtor("Test Borrower", "+8613800138000", null, "UTC", null), null);

    public static IAccountGrain Grain(this IGrainFactory grains, string accountRef) =>
        grains.GetGrain<IAccountGrain>(AccountKey.For(Lender, accountRef));
}
