namespace Collections.Domain.Accounts;

/// <summary>Steps of a collection lawsuit, in the order they can happen.</summary>
public enum LitigationStep
{
    /// <summary>The claim was filed with the court: opens the case.</summary>
    Filed,

    /// <summary>A hearing took place (there may be several).</summary>
    Hearing,

    /// <summary>The court gave its judgment.</summary>
    Judgment,

    /// <summary>Enforcement of the judgment (garnishment, attachment…); may be recorded repeatedly.</summary>
    Enforcement,
}

/// <summary>The account's lawsuit so far: its court reference, when it was filed and judged, and the latest step.</summary>
public sealed record LitigationCase(string? CaseReference, DateOnly FiledOn, DateOnly? JudgmentOn, LitigationStep LastStep, DateOnly LastStepOn, int Steps);

public static class LitigationRules
{
    public const int MaxCaseReferenceLength = 128;

    public const int MaxNoteLength = 1000;
}
