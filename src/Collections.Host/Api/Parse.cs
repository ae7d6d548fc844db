using Microsoft.AspNetCore.Http.HttpResults;

namespace Collections.Host.Api;

/// <summary>The one way request fields are checked: enums by exact name, required fields named with what to send.</summary>
public static class Parse
{
    /// <summary>An enum by its exact name only: no numbers, no other casing (the API's enums are names).</summary>
    public static bool Name<T>(string? text, out T value)
        where T : struct, Enum =>
        Enum.TryParse(text, ignoreCase: false, out value) && Enum.IsDefined(value) && !int.TryParse(text, out _);

    /// <summary>The names of an enum, for an error message.</summary>
    public static string Names<T>()
        where T : struct, Enum => string.Join(", ", Enum.GetNames<T>());

    /// <summary>A validation problem for the fields named, each with its message; null when there are none.</summary>
    public static ProblemHttpResult? Missing(params (string Field, bool IsMissing, string Message)[] fields)
    {
        var errors = fields.Where(f => f.IsMissing).ToDictionary(f => f.Field, f => new[] { f.Message });
        return errors.Count == 0 ? null : Problems.Validation(errors);
    }
}
