using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpsFunctions.Operations.Durability;
using OpsFunctions.Operations.Schedules;

namespace OpsFunctions.FunctionApp.Schedules;

/// <summary>
/// The configured schedules (<c>Schedules:{name}</c>) on Azure Functions. A timer trigger's schedule is fixed when the
/// app is built, so one timer ticks every minute and starts what is due; an occurrence finer than a minute starts at
/// the next tick. Every occurrence is claimed before it starts, so a tick that runs twice, or on two instances, starts it once.
/// </summary>
public static class ScheduleFunctions
{
    public const string EveryMinute = "0 * * * * *";

    /// <summary>How far back a tick looks: a tick late by up to this much still starts what it missed.</summary>
    public static readonly TimeSpan Lookback = TimeSpan.FromMinutes(5);

    [Function("Schedules")]
    public static async Task Run(
        [TimerTrigger(EveryMinute)] TimerInfo timer, [DurableClient] DurableTaskClient client, FunctionContext executionContext)
    {
        ArgumentNullException.ThrowIfNull(executionContext);
        var services = executionContext.InstanceServices;
        var time = services.GetRequiredService<TimeProvider>();
        var starter = new ScheduleStarter(client, new OnceGate(client, time), time, services.GetRequiredService<ILoggerFactory>().CreateLogger<ScheduleStarter>());
        await starter.StartDueAsync(services.GetRequiredService<IOptions<ScheduleOptions>>().Value, time.GetUtcNow(), Lookback, executionContext.CancellationToken);
    }
}
