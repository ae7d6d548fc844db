namespace Collections.Cli;

/// <summary>Process exit codes, documented in the README.</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The API answered with an error, the host could not be reached, or a file could not be read.</summary>
    public const int Failed = 1;

    /// <summary>An import completed but the API rejected some of its lines.</summary>
    public const int LinesRejected = 2;

    /// <summary>Interrupted (Ctrl+C).</summary>
    public const int Cancelled = 130;
}
