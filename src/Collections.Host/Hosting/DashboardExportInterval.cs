using System.Reflection;
using Collections.Host.Configuration;
using Microsoft.Extensions.Options;

namespace Collections.Host.Hosting;

/// <summary>
/// Gives the Orleans dashboard's own metric export the dashboard's refresh interval
/// (<c>Collections:Dashboard:CounterUpdateIntervalMs</c>, 10 s) instead of the one second that
/// Microsoft.Orleans.Dashboard 10.4.2 fixes.
/// </summary>
/// <remarks>
/// The package's <c>DashboardHost</c> (internal) exports every Microsoft.Orleans instrument to the dashboard
/// each <c>ExportIntervalMilliseconds</c> (internal, init-only, 1000, set by nothing in the package), viewed or
/// not and whatever <c>DashboardOptions.CounterUpdateIntervalMs</c> says. Observing two of those instruments
/// walks every live activation (<c>orleans-messaging-processing-activation-data</c> sums each activation's
/// request count) and counts the grain directory cache under all its locks (<c>orleans-directory-cache-size</c>):
/// about a sixth of a silo's CPU in a million-account import (BENCHMARKS.md, issue 18). With no public setting,
/// the registration of <c>DashboardHost</c> is replaced by one that sets the property. Should a later package
/// rename either, nothing is replaced and the dashboard keeps its one second; DashboardTests fails first. The
/// fix belongs upstream: a public option, or CounterUpdateIntervalMs for this export too.
/// </remarks>
internal static class DashboardExportInterval
{
    private const string HostTypeName = "Orleans.Dashboard.DashboardHost";
    private const string IntervalProperty = "ExportIntervalMilliseconds";

    public static void Apply(IServiceCollection services)
    {
        var index = IndexOf(services);
        if (index < 0)
        {
            return;
        }

        var hostType = services[index].ServiceType;
        var interval = hostType.GetProperty(IntervalProperty, BindingFlags.Instance | BindingFlags.NonPublic);
        if (interval is not { CanWrite: true } || interval.PropertyType != typeof(int))
        {
            return;
        }

        services[index] = ServiceDescriptor.Singleton(hostType, provider =>
        {
            var host = ActivatorUtilities.CreateInstance(provider, hostType);
            interval.SetValue(host, provider.GetRequiredService<IOptions<CollectionsDashboardOptions>>().Value.CounterUpdateIntervalMs);
            return host;
        });
    }

    private static int IndexOf(IServiceCollection services)
    {
        for (var i = 0; i < services.Count; i++)
        {
            var descriptor = services[i];
            if (descriptor.ServiceType.FullName == HostTypeName && descriptor.ImplementationType == descriptor.ServiceType)
            {
                return i;
            }
        }

        return -1;
    }
}
