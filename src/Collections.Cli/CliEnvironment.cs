using Spectre.Console;

namespace Collections.Cli;

/// <summary>
/// What a run of the CLI takes from its surroundings: consoles, environment variables, standard output.
/// The real process uses <see cref="FromProcess"/>; tests pass their own to run commands in-process.
/// </summary>
public sealed class CliEnvironment
{
    /// <summary>Tables, summaries and progress.</summary>
    public required IAnsiConsole Out { get; init; }

    /// <summary>Errors and problems; also status lines when data itself goes to standard output.</summary>
    public required IAnsiConsole Error { get; init; }

    /// <summary>Plain text: help and version, and data meant for other programs (<c>--json</c>), never wrapped.</summary>
    public TextWriter PlainOut { get; init; } = Console.Out;

    /// <summary>Plain text errors of the parser (usage errors).</summary>
    public TextWriter PlainError { get; init; } = Console.Error;

    public Func<string, string?> GetVariable { get; init; } = Environment.GetEnvironmentVariable;

    /// <summary>Where <c>generate</c> writes its file when no <c>--out</c> is given.</summary>
    public Func<Stream> OpenStandardOutput { get; init; } = Console.OpenStandardOutput;

    /// <summary>Tests may route requests through their own handler; null uses a plain <see cref="HttpClientHandler"/>.</summary>
    public HttpMessageHandler? HttpHandler { get; init; }

    public static CliEnvironment FromProcess()
    {
        var output = AnsiConsole.Console;
        var error = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });

        // Redirected to a file or a CI log there is no terminal width; 80 columns would break lines mid-sentence.
        if (Console.IsOutputRedirected)
        {
            output.Profile.Width = RedirectedWidth;
        }

        if (Console.IsErrorRedirected)
        {
            error.Profile.Width = RedirectedWidth;
        }

        return new() { Out = output, Error = error };
    }

    private const int RedirectedWidth = 200;
}
