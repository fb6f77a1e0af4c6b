using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using OpsFunctions.Operations.Durability;
using OpsFunctions.Operations.Schedules;

namespace OpsFunctions.Host.Schedules;

/// <summary>
/// Starts an orchestration per cron occurrence, each schedule on its own timer. Every host runs this loop; the
/// <see cref="ScheduleStarter"/> claims each occurrence, so one host starts it.
/// </summary>
public sealed partial class ScheduleService(
    IOptions<ScheduleOptions> options, DurableTaskClient client, OnceGate gate, TimeProvider timeProvider, ILogger<ScheduleService> logger)
    : BackgroundService
{
    private const int RecentLimit = 100;

    private readonly ScheduleStarter _starter = new(client, gate, timeProvider, logger);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _armed = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentQueue<ScheduleOccurrence> _recent = new();

    /// <summary>Raised after each occurrence this host handled.</summary>
    public event Action<ScheduleOccurrence>? OccurrenceHandled;

    /// <summary>Raised when a schedule starts waiting for its next occurrence (its timer is set).</summary>
    public event Action<string, DateTimeOffset>? Armed;

    /// <summary>Gets the latest occurrences this host handled, oldest first.</summary>
    public IReadOnlyCollection<ScheduleOccurrence> RecentOccurrences => _recent;

    /// <summary>Gets the occurrence a schedule waits for, if it is waiting.</summary>
    public DateTimeOffset? ArmedFor(string schedule) => _armed.TryGetValue(schedule, out var next) ? next : null;

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
        => Task.WhenAll(options.Value.Schedules.Select(s => RunAsync(s.Key, s.Value, stoppingToken)));

    private async Task RunAsync(string name, ScheduleDefinition schedule, CancellationToken stoppingToken)
    {
        var (cron, zone) = (ScheduleStarter.Cron(schedule), ScheduleStarter.Zone(schedule));
        var now = timeProvider.GetUtcNow();
        LogScheduled(name, schedule.Cron!, schedule.Orchestrator!, cron.GetNextOccurrence(now, zone));
        try
        {
            if (schedule.RunOnStartupIfMissed && ScheduleStarter.LastOccurrence(schedule, now) is { } missed)
            {
                await StartAsync(name, schedule, missed, stoppingToken);
            }

            while (cron.GetNextOccurrence(now, zone) is { } next)
            {
                var wait = next - timeProvider.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    var delay = Task.Delay(wait, timeProvider, stoppingToken);
                    _armed[name] = next;
                    Armed?.Invoke(name, next);
                    await delay;
                }

                await StartAsync(name, schedule, next, stoppingToken);
                now = next;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task StartAsync(string name, ScheduleDefinition schedule, DateTimeOffset occurrence, CancellationToken cancellationToken)
    {
        if (await _starter.StartAsync(name, schedule, occurrence, cancellationToken) is not { } handled)
        {
            return;
        }

        _recent.Enqueue(handled);
        while (_recent.Count > RecentLimit && _recent.TryDequeue(out _))
        {
        }

        OccurrenceHandled?.Invoke(handled);
    }

    [LoggerMessage(EventId = 5300, Level = LogLevel.Information, Message = "Schedule '{Schedule}' ({Cron}) starts {Orchestrator}; next occurrence {Next:o}.")]
    private partial void LogScheduled(string schedule, string cron, string orchestrator, DateTimeOffset? next);
}

public static class ScheduleServiceRegistration
{
    public static IServiceCollection AddSchedules(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddScheduleOptions(configuration);
        services.AddSingleton<ScheduleService>();
        services.AddHostedService(sp => sp.GetRequiredService<ScheduleService>());
        return services;
    }
}
