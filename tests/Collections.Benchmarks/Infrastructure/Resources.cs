using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Collections.Benchmarks.Infrastructure;

/// <summary>
/// Everything this run started: child processes and temporary directories. They are released in
/// reverse order on the normal path, on failure (finally), on Ctrl-C / SIGTERM / SIGHUP (the run is
/// cancelled, then its finally blocks run) and, as a last resort, at process exit: nothing outlives
/// the benchmark unless it is killed with SIGKILL itself.
/// </summary>
public sealed class Resources : IAsyncDisposable
{
    private readonly ConcurrentStack<IAsyncDisposable> owned = new();
    private readonly List<PosixSignalRegistration> signals = [];
    private readonly CancellationTokenSource cancellation = new();
    private int disposed;

    public Resources()
    {
        Root = System.IO.Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"collections-bench-{Environment.ProcessId}-{Guid.NewGuid():N}"[..48])).FullName;
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP, PosixSignal.SIGQUIT })
        {
            signals.Add(PosixSignalRegistration.Create(signal, context =>
            {
                // Let the run unwind through its finally blocks (which stop every process) instead of dying here.
                context.Cancel = true;
                Console.Error.WriteLine($"{context.Signal}: stopping the benchmark and everything it started…");
                cancellation.Cancel();
            }));
        }

        AppDomain.CurrentDomain.ProcessExit += (_, _) => DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    /// <summary>This run's temporary directory (Redis and PostgreSQL data, host logs); deleted at the end.</summary>
    public string Root { get; }

    /// <summary>Cancelled by Ctrl-C, SIGTERM or SIGHUP.</summary>
    public CancellationToken Stopping => cancellation.Token;

    public T Own<T>(T resource)
        where T : IAsyncDisposable
    {
        owned.Push(resource);
        return resource;
    }

    /// <summary>A fresh subdirectory of <see cref="Root"/>.</summary>
    public string Directory(string name) => System.IO.Directory.CreateDirectory(Path.Combine(Root, name)).FullName;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        while (owned.TryPop(out var resource))
        {
            try
            {
                await resource.DisposeAsync();
            }
            catch (Exception ex)
            {
                Console.Error.WriteLine($"cleanup: {ex.GetType().Name}: {ex.Message}");
            }
        }

        try
        {
            System.IO.Directory.Delete(Root, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
        catch (Exception ex)
        {
            Console.Error.WriteLine($"cleanup: could not delete {Root}: {ex.Message}");
        }

        foreach (var registration in signals)
        {
            registration.Dispose();
        }

        cancellation.Dispose();
    }

    /// <summary>
    /// Removes temporary directories left by earlier runs that were killed with SIGKILL (the only way
    /// this class cannot clean up): a directory whose owning process no longer exists.
    /// </summary>
    public static void RemoveStale()
    {
        foreach (var dir in System.IO.Directory.EnumerateDirectories(Path.GetTempPath(), "collections-bench-*"))
        {
            var parts = Path.GetFileName(dir).Split('-');
            if (parts.Length >= 3 && int.TryParse(parts[2], out var pid) && pid != Environment.ProcessId && !System.IO.Directory.Exists($"/proc/{pid}"))
            {
                try
                {
                    System.IO.Directory.Delete(dir, recursive: true);
                }
                catch (IOException)
                {
                }
                catch (UnauthorizedAccessException)
                {
                }
            }
        }
    }
}
