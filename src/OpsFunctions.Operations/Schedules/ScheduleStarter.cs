using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cronos;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using OpsFunctions.Operations.Durability;

namespace OpsFunctions.Operations.Schedules;

/// <summary>One occurrence as a host handled it: whether this host started it, or another host (or an earlier run) had.</summary>
public sealed record ScheduleOccurrence(string Schedule, DateTimeOffset Occurrence, string InstanceId, bool Started);

/// <summary>
/// Starts a schedule's occurrence at most once across hosts: the instance id comes from the schedule's name and the
/// occurrence time, and the occurrence is claimed through <see cref="OnceGate"/> first. Both hosts use it: the ASP.NET
/// Core host from a timer per schedule, the Function App from a timer trigger every minute.
/// </summary>
public sealed partial class ScheduleStarter(DurableTaskClient client, OnceGate gate, TimeProvider timeProvider, ILogger logger)
{
    private static readonly TimeSpan[] MissedLookback =
        [TimeSpan.FromMinutes(1), TimeSpan.FromHours(1), TimeSpan.FromDays(1), TimeSpan.FromDays(32), TimeSpan.FromDays(366)];

    /// <summary>Claims are held until a day past the next occurrence: later, catching up looks only at newer occurrences.</summary>
    private static readonly TimeSpan ClaimMargin = TimeSpan.FromDays(1);

    public static string InstanceId(string schedule, DateTimeOffset occurrence)
        => $"schedule-{schedule}-{occurrence.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}";

    public static CronExpression Cron(ScheduleDefinition schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        return CronExpression.Parse(schedule.Cron!, CronFormat.IncludeSeconds);
    }

    public static TimeZoneInfo Zone(ScheduleDefinition schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        return string.IsNullOrWhiteSpace(schedule.TimeZone) ? TimeZoneInfo.Utc : TimeZoneInfo.FindSystemTimeZoneById(schedule.TimeZone);
    }

    /// <summary>The latest occurrence at or before <paramref name="now"/>, looking back up to a year.</summary>
    public static DateTimeOffset? LastOccurrence(ScheduleDefinition schedule, DateTimeOffset now)
    {
        var (cron, zone) = (Cron(schedule), Zone(schedule));
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

    /// <summary>
    /// Starts every occurrence of every schedule in (<paramref name="now"/> - <paramref name="lookback"/>, <paramref name="now"/>],
    /// and, for a schedule that runs missed occurrences, its latest one however old: for a timer that ticks, where a
    /// tick can come late or be missed. Claims make a second start of an occurrence a no-op.
    /// </summary>
    public async Task<IReadOnlyList<ScheduleOccurrence>> StartDueAsync(
        ScheduleOptions options, DateTimeOffset now, TimeSpan lookback, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var handled = new List<ScheduleOccurrence>();
        foreach (var (name, schedule) in options.Schedules)
        {
            var due = Cron(schedule).GetOccurrences(now - lookback, now, Zone(schedule), fromInclusive: false, toInclusive: true).ToList();
            if (due.Count == 0 && schedule.RunOnStartupIfMissed && LastOccurrence(schedule, now) is { } missed)
            {
                due.Add(missed);
            }

            foreach (var occurrence in due)
            {
                if (await StartAsync(name, schedule, occurrence, cancellationToken) is { } occurrenceHandled)
                {
                    handled.Add(occurrenceHandled);
                }
            }
        }

        return handled;
    }

    /// <summary>
    /// Starts <paramref name="occurrence"/> unless another host did; a failure to start is logged and answered
    /// <see langword="null"/>, so one schedule's failure stops no other.
    /// </summary>
    public async Task<ScheduleOccurrence?> StartAsync(string name, ScheduleDefinition schedule, DateTimeOffset occurrence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        var instanceId = InstanceId(name, occurrence);
        var holdUntil = (Cron(schedule).GetNextOccurrence(occurrence, Zone(schedule)) ?? occurrence) + ClaimMargin;
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
            LogStartFailed(exception, name, occurrence);
            return null;
        }

        LogStarted(name, occurrence, instanceId, started);
        return new ScheduleOccurrence(name, occurrence, instanceId, started);
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

    [LoggerMessage(EventId = 5301, Level = LogLevel.Information, Message = "Schedule '{Schedule}' occurrence {Occurrence:o}: instance '{InstanceId}', started here: {Started}.")]
    private partial void LogStarted(string schedule, DateTimeOffset occurrence, string instanceId, bool started);

    [LoggerMessage(EventId = 5302, Level = LogLevel.Error, Message = "Schedule '{Schedule}' occurrence {Occurrence:o} could not be started.")]
    private partial void LogStartFailed(Exception exception, string schedule, DateTimeOffset occurrence);
}
