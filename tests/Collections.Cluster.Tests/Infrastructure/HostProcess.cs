using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;

namespace Collections.Cluster.Tests.Infrastructure;

/// <summary>
/// One <c>dotnet Collections.Host.dll</c> process, configured on its command line as an operator would,
/// with its output kept in a file (and the last lines in memory, for failure messages).
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StreamWriter log;
    private readonly ConcurrentQueue<string> tail = new();
    private readonly Lock logLock = new();
    private bool closed;

    private HostProcess(string name, int httpPort, Process process, StreamWriter log)
    {
        Name = name;
        HttpPort = httpPort;
        this.process = process;
        this.log = log;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromMinutes(2) };
        Http.DefaultRequestHeaders.Add("X-Api-Key", LocalCluster.AdminKey);
    }

    public string Name { get; }

    public int HttpPort { get; }

    /// <summary>The Orleans silo port (0 for an API-only process): membership rows are keyed by it.</summary>
    public int SiloPort { get; init; }

    public int Id => process.Id;

    public HttpClient Http { get; }

    public bool HasExited => process.HasExited;

    public int ExitCode => process.ExitCode;

    /// <summary>Everything the process wrote to stdout and stderr so far.</summary>
    public string Output
    {
        get
        {
            lock (logLock)
            {
                if (!closed)
                {
                    log.Flush();
                }
            }

            return File.ReadAllText(LogPath);
        }
    }

    public string LogPath { get; private set; } = "";

    public static HostProcess Start(string name, string logDirectory, int httpPort, IEnumerable<string> arguments, int siloPort = 0)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            // The content root is the build output, where appsettings.json is.
            WorkingDirectory = Path.GetDirectoryName(TestFiles.HostDll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(TestFiles.HostDll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{httpPort}");
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_NOLOGO"] = "1";
        if (!File.Exists(TestFiles.HostDll))
        {
            throw new InvalidOperationException($"The host is not built at {TestFiles.HostDll}; build the solution first.");
        }

        var logPath = Path.Combine(logDirectory, name + ".log");
        var writer = new StreamWriter(logPath) { AutoFlush = false };
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{name} did not start.");
        var host = new HostProcess(name, httpPort, process, writer) { LogPath = logPath, SiloPort = siloPort };
        process.OutputDataReceived += (_, e) => host.Write(e.Data);
        process.ErrorDataReceived += (_, e) => host.Write(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    /// <summary>Waits until <c>/health/ready</c> answers 200.</summary>
    public async Task WaitReadyAsync(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!await IsReadyAsync())
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with code {process.ExitCode} before it was ready:\n{Tail()}");
            }

            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"{Name} was not ready after {timeout.TotalSeconds} s:\n{Tail()}");
            }

            await Task.Delay(200);
        }
    }

    public async Task<bool> IsReadyAsync()
    {
        try
        {
            using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            using var response = await Http.GetAsync("/health/ready", cancel.Token);
            return response.IsSuccessStatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    /// <summary>kill -9: the process gets no chance to leave the cluster.</summary>
    public void Kill()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }
    }

    /// <summary>SIGTERM, as an orchestrator stops a pod or container.</summary>
    public void Terminate()
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) } });
        kill?.WaitForExit();
    }

    /// <summary>Waits for the process to exit; false if it did not within <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>The last lines of output, for failure messages.</summary>
    public string Tail(int lines = 40) => string.Join('\n', tail.TakeLast(lines));

    public async ValueTask DisposeAsync()
    {
        Kill();
        await WaitForExitAsync(TimeSpan.FromSeconds(10));
        Http.Dispose();
        lock (logLock)
        {
            closed = true;
            log.Dispose();
        }

        process.Dispose();
    }

    private void Write(string? line)
    {
        if (line is null)
        {
            return;
        }

        tail.Enqueue(line);
        while (tail.Count > 200)
        {
            tail.TryDequeue(out _);
        }

        lock (logLock)
        {
            if (!closed)
            {
                log.WriteLine(line);
            }
        }
    }
}

/// <summary>Helpers for JSON over HTTP.</summary>
public static class HttpExtensions
{
    public static StringContent Ndjson(string body) => new(body, new MediaTypeHeaderValue("application/x-ndjson"));
}
