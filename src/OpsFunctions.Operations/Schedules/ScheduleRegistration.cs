using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpsFunctions.Operations.Http;

namespace OpsFunctions.Operations.Schedules;

/// <summary>Binds <c>Schedules</c>, each schedule checked at start-up against the host's <see cref="Microsoft.DurableTask.DurableTaskRegistry"/>.</summary>
public static class ScheduleRegistration
{
    public static IServiceCollection AddScheduleOptions(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOpsIngress(configuration);
        services.AddOptions<ScheduleOptions>()
            .Configure(options =>
            {
                foreach (var section in configuration.GetSection(ScheduleOptions.Section).GetChildren())
                {
                    options.Schedules[section.Key] = section.Get<ScheduleDefinition>() ?? new ScheduleDefinition();
                }
            })
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ScheduleOptions>, ScheduleOptionsValidator>();
        return services;
    }
}
