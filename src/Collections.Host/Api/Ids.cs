using Collections.Domain.Accounts;

namespace Collections.Host.Api;

/// <summary>Lender, agency and account ids share one alphabet: 1–64 of A–Z a–z 0–9 . _ : -.</summary>
public static class Ids
{
    public static bool Valid(params string[] ids) => ids.All(AccountRecordParser.IsValidAccountRef);

    public static IResult? Invalid(string name, string value) =>
        AccountRecordParser.IsValidAccountRef(value)
            ? null
            : Problems.Validation(new Dictionary<string, string[]> { [name] = ["must be 1–64 characters of A–Z a–z 0–9 . _ : -"] });
}
