using Collections.Contracts;

namespace Collections.Host.Api;

/// <summary>How account commands answer: the view on success, a problem for a rejection, 404 for an unknown account.</summary>
internal static class AccountResults
{
    public static IResult Respond(CommandResult result, string lenderId, string accountRef, Func<AccountView, IResult> success) => result switch
    {
        { RejectionKind: { } kind, Error: var error } => Problems.Rejected(kind, error ?? kind.ToString()),
        { View: { } view } => success(view),
        _ => UnknownAccount(lenderId, accountRef),
    };

    public static string Location(string lenderId, string accountRef) => $"/api/v1/lenders/{lenderId}/accounts/{accountRef}";

    public static IResult UnknownAccount(string lenderId, string accountRef) =>
        Problems.NotFound($"Lender '{lenderId}' has no account '{accountRef}'.");

    /// <summary>The grain of an account, or null when the ids cannot name one (answered as unknown).</summary>
    public static IAccountGrain? Grain(IGrainFactory grains, string lenderId, string accountRef) =>
        Ids.Valid(lenderId, accountRef) ? grains.GetGrain<IAccountGrain>(AccountKey.For(lenderId, accountRef)) : null;

    /// <summary>A validation problem for the fields named, each with its message; null when there are none.</summary>
    public static IResult? Missing(params (string Field, bool IsMissing, string Message)[] fields)
    {
        var errors = fields.Where(f => f.IsMissing).ToDictionary(f => f.Field, f => new[] { f.Message });
        return errors.Count == 0 ? null : Problems.Validation(errors);
    }
}
