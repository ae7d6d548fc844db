using Collections.Grains;
using Collections.Grains.Accounts;
using Collections.Grains.Time;
using Collections.Host.Configuration;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Dashboard;

namespace Collections.Host.Hosting;

public static class OrleansHosting
{
    /// <summary>
    /// Runs this process as a silo (the default) with the configured storage. The embedded default is
    /// one silo on localhost with Orleans' in-memory grain storage and reminders and the in-memory event store.
    /// </summary>
    public static WebApplicationBuilder AddCollectionsSilo(this WebApplicationBuilder builder)
    {
        var cluster = builder.Configuration.GetSection(Configuration.ClusterOptions.Section).Get<Configuration.ClusterOptions>() ?? new();
        var storage = builder.Configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new();
        if (storage.Provider != StorageProvider.Memory)
        {
            throw new OptionsValidationException(StorageOptions.Section, typeof(StorageOptions),
                [$"Collections:Storage:Provider '{storage.Provider}' is not supported by this build; use Memory."]);
        }

        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort, serviceId: cluster.ServiceId, clusterId: cluster.ClusterId);
            silo.AddMemoryGrainStorage(GrainStorage.Name);
            silo.UseInMemoryReminderService();
            silo.Configure<ReminderOptions>(options =>
            {
                // The wake reminder's period is its retry interval; an accelerated clock wants retries
                // within a business day, so allow periods down to a few seconds.
                options.MinimumReminderPeriod = TimeSpan.FromSeconds(5);
            });
            silo.AddDashboard();
            silo.Services.AddCollectionsGrains();
        });
        return builder;
    }

    /// <summary>The business clock, anchored per <see cref="ClockOptions"/>.</summary>
    public static WebApplicationBuilder AddBusinessClock(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ClockOptions>().BindConfiguration(ClockOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ClockOptions>>().Value;
            var real = TimeProvider.System;
            var now = real.GetUtcNow();
            return new BusinessClock(real, options.Start ?? now, options.Anchor ?? now, options.Speed);
        });
        return builder;
    }

    /// <summary>The wake reminder retries within one business day at accelerated speeds.</summary>
    public static WebApplicationBuilder AddWakeRetry(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<WakeOptions>().Configure<IOptions<ClockOptions>>((wake, clock) =>
        {
            if (clock.Value.Speed > 1)
            {
                var oneBusinessHour = TimeSpan.FromHours(1) / clock.Value.Speed;
                wake.RetryPeriod = TimeSpan.FromSeconds(Math.Clamp(oneBusinessHour.TotalSeconds, 5, wake.RetryPeriod.TotalSeconds));
            }
        });
        return builder;
    }
}
