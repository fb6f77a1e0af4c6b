using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cronos;
using Microsoft.Extensions.Options;
using OpsFunctions.Durable.Client;
using OpsFunctions.Operations.Durability;

namespace OpsFunctions.Host.Schedules;

/// <summary>One occurrence as a host handled it: whether this host started it, or another host (or an earlier run) had.</summary>
public sealed record ScheduleOccurrence(string Schedule, DateTimeOffset Occurrence, string InstanceId, bool Started);

/// <summary>
/// Starts an orchestration per cron occurrence. Every host runs this loop; the instance id comes from the schedule
/// name and the occurrence time, and the occurrence is claimed through <see cref="OnceGate"/>, so one host starts it.
/// </summary>
public sealed partial class ScheduleService(
    IOptions<ScheduleOptions> options, DurableTaskClient client, OnceGate gate, TimeProvider timeProvider, ILogger<ScheduleService> logger)
    : BackgroundService
{
    private static readonly TimeSpan[] MissedLookback =
        [TimeSpan.FromMinutes(1), TimeSpan.FromHours(1), TimeSpan.FromDays(1), TimeSpan.FromDays(32), TimeSpan.FromDays(366)];

    private static readonly TimeSpan ClaimMargin = TimeSpan.FromDays(1);
    private const int RecentLimit = 100;

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

    public static string InstanceId(string schedule, DateTimeOffset occurrence)
        => $"schedule-{schedule}-{occurrence.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}";

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
        => Task.WhenAll(options.Value.Schedules.Select(s => RunAsync(s.Key, s.Value, stoppingToken)));

    private async Task RunAsync(string name, ScheduleDefinition schedule, CancellationToken stoppingToken)
    {
        var cron = CronExpression.Parse(schedule.Cron!, CronFormat.IncludeSeconds);
        var zone = string.IsNullOrWhiteSpace(schedule.TimeZone) ? TimeZoneInfo.Utc : TimeZoneInfo.FindSystemTimeZoneById(schedule.TimeZone);
        var now = timeProvider.GetUtcNow();
        LogScheduled(name, schedule.Cron!, schedule.Orchestrator!, cron.GetNextOccurrence(now, zone));
        try
        {
            if (schedule.RunOnStartupIfMissed && LastOccurrence(cron, zone, now) is { } missed)
            {
                await FireAsync(name, schedule, cron, zone, missed, stoppingToken);
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

                await FireAsync(name, schedule, cron, zone, next, stoppingToken);
                now = next;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task FireAsync(
        string name, ScheduleDefinition schedule, CronExpression cron, TimeZoneInfo zone, DateTimeOffset occurrence, CancellationToken cancellationToken)
    {
        var instanceId = InstanceId(name, occurrence);

        // Held until a day past the next occurrence: later, start-up catch-up looks only at newer occurrences.
        var holdUntil = (cron.GetNextOccurrence(occurrence, zone) ?? occurrence) + ClaimMargin;
        var started = false;
        try
        {
            var claim = await gate.TryClaimAsync("schedule", instanceId, holdUntil - timeProvider.GetUtcNow(), instanceId, cancellationToken);
            if (claim.Claimed)
            {
                try
                {
                    await client.ScheduleNewOrchestrationInstanceAsync(
                        schedule.Orchestrator!, ParseInput(schedule.Input), new StartOrchestrationOptions(instanceId), cancellationToken);
                    started = true;
                }
                catch (Exception) when (!cancellationToken.IsCancellationRequested)
                {
                    await gate.ReleaseAsync("schedule", instanceId, CancellationToken.None);
                    throw;
                }
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogFireFailed(exception, name, occurrence);
            return;
        }

        LogFired(name, occurrence, instanceId, started);
        var handled = new ScheduleOccurrence(name, occurrence, instanceId, started);
        _recent.Enqueue(handled);
        while (_recent.Count > RecentLimit && _recent.TryDequeue(out _))
        {
        }

        OccurrenceHandled?.Invoke(handled);
    }

    private static DateTimeOffset? LastOccurrence(CronExpression cron, TimeZoneInfo zone, DateTimeOffset now)
    {
        foreach (var lookback in MissedLookback)
        {
            var last = cron.GetOccurrences(now - lookback, now, zone, fromInclusive: true, toInclusive: true).LastOrDefault();
            if (last != default)
            {
                return last;
            }
        }

        return null;
    }

    private static JsonNode? ParseInput(string? input)
    {
        if (string.IsNullOrEmpty(input))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(input);
        }
        catch (JsonException)
        {
            return JsonValue.Create(input);
        }
    }

    [LoggerMessage(EventId = 5300, Level = LogLevel.Information, Message = "Schedule '{Schedule}' ({Cron}) starts {Orchestrator}; next occurrence {Next:o}.")]
    private partial void LogScheduled(string schedule, string cron, string orchestrator, DateTimeOffset? next);

    [LoggerMessage(EventId = 5301, Level = LogLevel.Information, Message = "Schedule '{Schedule}' occurrence {Occurrence:o}: instance '{InstanceId}', started here: {Started}.")]
    private partial void LogFired(string schedule, DateTimeOffset occurrence, string instanceId, bool started);

    [LoggerMessage(EventId = 5302, Level = LogLevel.Error, Message = "Schedule '{Schedule}' occurrence {Occurrence:o} could not be started.")]
    private partial void LogFireFailed(Exception exception, string schedule, DateTimeOffset occurrence);
}

public static class ScheduleRegistration
{
    public static IServiceCollection AddSchedules(this IServiceCollection services)
    {
        services.AddOptions<ScheduleOptions>()
            .Configure<IConfiguration>((options, configuration) =>
            {
                foreach (var section in configuration.GetSection(ScheduleOptions.Section).GetChildren())
                {
                    options.Schedules[section.Key] = section.Get<ScheduleDefinition>() ?? new ScheduleDefinition();
                }
            })
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ScheduleOptions>, ScheduleOptionsValidator>();
        services.AddSingleton<ScheduleService>();
        services.AddHostedService(sp => sp.GetRequiredService<ScheduleService>());
        return services;
    }
}
