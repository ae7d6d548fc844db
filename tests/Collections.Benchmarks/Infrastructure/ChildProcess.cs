using System.Diagnostics;

namespace Collections.Benchmarks.Infrastructure;

/// <summary>
/// A process started by the benchmark, its output captured to a log file. Disposing it stops it:
/// SIGTERM (or a custom stop), a grace period, then SIGKILL of the whole tree.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StreamWriter log;
    private readonly Task pumps;
    private readonly TimeSpan grace;
    private Func<Task>? stop;
    private int disposed;

    private ChildProcess(Process process, StreamWriter log, Task pumps, string name, string logPath, TimeSpan grace)
    {
        this.process = process;
        this.log = log;
        this.pumps = pumps;
        this.grace = grace;
        Name = name;
        LogPath = logPath;
    }

    public string Name { get; }

    public string LogPath { get; }

    public int Pid => process.Id;

    public bool HasExited => process.HasExited;

    /// <summary>Starts <paramref name="file"/>; <paramref name="stdin"/>, when given, is written and closed.</summary>
    public static ChildProcess Start(
        string name, string file, IEnumerable<string> arguments, string logPath,
        string? workingDirectory = null, string? stdin = null, TimeSpan? grace = null, IDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {file}.");
        var log = new StreamWriter(new FileStream(logPath, FileMode.Create, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
        var gate = new object();
        async Task Pump(StreamReader reader)
        {
            while (await reader.ReadLineAsync() is { } line)
            {
                lock (gate)
                {
                    log.WriteLine(line);
                }
            }
        }

        var pumps = Task.WhenAll(Task.Run(() => Pump(process.StandardOutput)), Task.Run(() => Pump(process.StandardError)));
        if (stdin is not null)
        {
            process.StandardInput.Write(stdin);
            process.StandardInput.Close();
        }

        return new ChildProcess(process, log, pumps, name, logPath, grace ?? TimeSpan.FromSeconds(10));
    }

    /// <summary>Replaces SIGTERM with another way to stop (e.g. <c>pg_ctl stop</c>).</summary>
    public void StopWith(Func<Task> stopAction) => stop = stopAction;

    /// <summary>The last lines of the log, for an error message.</summary>
    public string Tail(int lines = 20)
    {
        try
        {
            using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            var all = reader.ReadToEnd().Split('\n');
            return string.Join('\n', all.TakeLast(lines));
        }
        catch (IOException ex)
        {
            return $"(log unreadable: {ex.Message})";
        }
    }

    public Task WaitForExitAsync(CancellationToken cancellationToken) => process.WaitForExitAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        try
        {
            if (!process.HasExited)
            {
                if (stop is not null)
                {
                    await stop();
                }
                else
                {
                    await Signal("TERM", process.Id);
                }

                using var timeout = new CancellationTokenSource(grace);
                try
                {
                    await process.WaitForExitAsync(timeout.Token);
                }
                catch (OperationCanceledException)
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync(CancellationToken.None);
                }
            }

            await pumps.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }
        catch (TimeoutException)
        {
        }
        finally
        {
            await log.DisposeAsync();
            process.Dispose();
        }
    }

    /// <summary>Sends a signal by name (TERM, INT, QUIT, KILL) with kill(1).</summary>
    public static async Task Signal(string signal, int pid)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", [$"-{signal}", pid.ToString()]) { UseShellExecute = false, RedirectStandardError = true });
        if (kill is not null)
        {
            await kill.WaitForExitAsync();
        }
    }

    /// <summary>Runs a command to completion; throws with its output if it fails.</summary>
    public static async Task<string> RunAsync(string file, IEnumerable<string> arguments, CancellationToken cancellationToken, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {file}.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var text = await output + await error;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', info.ArgumentList)} exited with {process.ExitCode}: {text.Trim()}");
        }

        return text;
    }
}
