namespace Collections.Domain.Accounts;

/// <summary>Why a command was refused; the kind maps to an HTTP status, the message says what to do.</summary>
public enum RejectionKind
{
    /// <summary>The input itself is wrong (400).</summary>
    Invalid,

    /// <summary>The input contradicts what is already recorded (409).</summary>
    Conflict,

    /// <summary>Well-formed but outside what the strategy allows (422).</summary>
    Unprocessable,

    /// <summary>The thing the command is about does not exist on the account (404), e.g. a hold to release.</summary>
    NotFound,

    /// <summary>This actor may not do it, whatever its role allows (403), e.g. approving what it submitted itself.</summary>
    Forbidden,
}

public sealed record Rejection(RejectionKind Kind, string Message);
