using System.Diagnostics;
using Collections.Cluster.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Collections.Cluster.Tests;

public sealed class StartupTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_silo_pointed_at_an_unreachable_Redis_exits_within_seconds_with_a_message_that_says_so()
    {
        var nobodyListens = Ports.Free();
        var directory = TestFiles.TempDirectory("startup");
        var clock = Stopwatch.StartNew();
        await using (var silo = HostProcess.Start("silo", directory, Ports.Free(),
        [
            "--Collections:Storage:Provider=Redis",
            $"--Collections:Storage:Redis=127.0.0.1:{nobodyListens},password=never-in-a-log",
            $"--Collections:Cluster:SiloPort={Ports.Free()}",
            $"--Collections:Cluster:GatewayPort={Ports.Free()}",
        ]))
        {
            Assert.True(await silo.WaitForExitAsync(TimeSpan.FromSeconds(30)), $"The silo was still running after 30 s:\n{silo.Tail()}");
            output.WriteLine($"Exited with code {silo.ExitCode} after {clock.Elapsed.TotalSeconds:F1} s");

            Assert.NotEqual(0, silo.ExitCode);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"Took {clock.Elapsed.TotalSeconds:F1} s to give up.");
            var text = silo.Output;
            Assert.Contains($"Redis at 127.0.0.1:{nobodyListens} (Collections:Storage:Redis) is not reachable", text);
            Assert.Contains("Collections.Host cannot start:", text);
            Assert.DoesNotContain("never-in-a-log", text);
        }

        TestFiles.TryDelete(directory);
    }

    [Fact]
    public async Task A_silo_whose_clock_disagrees_with_the_clusters_refuses_to_start()
    {
        await using var redis = await RedisServer.StartAsync();
        await using (var connection = await redis.ConnectAsync())
        {
            // The record the cluster's first silo left: business time at real speed from 2026-01-01.
            await connection.GetDatabase().StringSetAsync($"{LocalCluster.ServiceId}/clock",
                """{"start":"2026-01-01T00:00:00+00:00","anchor":"2026-01-01T00:00:00+00:00","speed":1}""");
        }

        var directory = TestFiles.TempDirectory("startup");
        await using (var silo = HostProcess.Start("silo", directory, Ports.Free(),
        [
            "--Collections:Storage:Provider=Redis",
            $"--Collections:Storage:Redis={redis.ConnectionString}",
            "--Collections:Clock:Speed=8640",
            $"--Collections:Cluster:SiloPort={Ports.Free()}",
            $"--Collections:Cluster:GatewayPort={Ports.Free()}",
        ]))
        {
            Assert.True(await silo.WaitForExitAsync(TimeSpan.FromSeconds(30)), $"The silo was still running after 30 s:\n{silo.Tail()}");
            Assert.NotEqual(0, silo.ExitCode);
            Assert.Contains("runs at speed 1", silo.Output);
            Assert.Contains("Collections:Clock:Speed=8640", silo.Output);
        }

        TestFiles.TryDelete(directory);
    }

    [Theory]
    [InlineData("Collections:Accounts:CollectionAge", "00:00:05", "Collections:Accounts:CollectionAge must be between 00:00:30 and 1.00:00:00")]
    [InlineData("Collections:Storage:MaxConcurrentOperations", "0", "Collections:Storage:MaxConcurrentOperations must be between 1 and 100000")]
    [InlineData("Collections:Wake:RetryPeriod", "00:00:02", "Collections:Wake:RetryPeriod (00:00:02) must be at least the silo's minimum reminder period (00:00:05)")]
    public async Task A_silo_with_an_out_of_range_capacity_setting_refuses_to_start_naming_the_key(string key, string value, string message)
    {
        var directory = TestFiles.TempDirectory("startup");
        await using (var silo = HostProcess.Start("silo", directory, Ports.Free(),
        [
            $"--{key}={value}",
            $"--Collections:Cluster:SiloPort={Ports.Free()}",
            $"--Collections:Cluster:GatewayPort={Ports.Free()}",
        ]))
        {
            Assert.True(await silo.WaitForExitAsync(TimeSpan.FromSeconds(30)), $"The silo was still running after 30 s:\n{silo.Tail()}");
            Assert.NotEqual(0, silo.ExitCode);
            Assert.Contains("Collections.Host cannot start; fix the configuration:", silo.Output);
            Assert.Contains(message, silo.Output);
        }

        TestFiles.TryDelete(directory);
    }
}
