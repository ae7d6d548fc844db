using Collections.Benchmarks;
using Spectre.Console;

// dotnet run -c Release --project tests/Collections.Benchmarks -- --accounts 1000000   (see BENCHMARKS.md)
if (Console.IsOutputRedirected)
{
    // Tables for a log file or CI: as wide as they need to be.
    AnsiConsole.Profile.Width = 200;
}

var commandLine = "dotnet run -c Release --project tests/Collections.Benchmarks" + (args.Length > 0 ? " -- " + string.Join(' ', args) : "");
return await BenchmarkCommand.Create((settings, cancellationToken) => BenchmarkRun.RunAsync(settings, commandLine, cancellationToken))
    .Parse(args)
    .InvokeAsync(new System.CommandLine.InvocationConfiguration { ProcessTerminationTimeout = null }); // our own signal handling stops the child processes
