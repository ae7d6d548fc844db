using Collections.Domain.Accounts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Collections.Host.Api;

/// <summary>Lender, agency and account ids share one alphabet: 1–64 of A–Z a–z 0–9 . _ : -.</summary>
public static class Ids
{
    public static bool Valid(params string[] ids) => ids.All(AccountRecordParser.IsValidAccountRef);

    public static ProblemHttpResult? Invalid(string name, string value) =>
        AccountRecordParser.IsValidAccountRef(value) ? null : Problems.Invalid(name, "must be 1–64 characters of A–Z a–z 0–9 . _ : -");
}
