using System.Text.RegularExpressions;
using Cronos;
using Microsoft.DurableTask;
using Microsoft.Extensions.Options;

namespace OpsFunctions.Operations.Schedules;

/// <summary>One schedule: <c>Schedules:{name}:Cron</c> and the rest.</summary>
public sealed class ScheduleDefinition
{
    /// <summary>Gets or sets the NCRONTAB six-field expression (seconds first), like <c>0 0 8 * * *</c>.</summary>
    public string? Cron { get; set; }

    public string? Orchestrator { get; set; }

    /// <summary>Gets or sets the input: JSON, or a plain string when it does not parse as JSON.</summary>
    public string? Input { get; set; }

    /// <summary>Gets or sets the IANA or Windows time zone the expression is read in.</summary>
    /// <value>UTC unless set.</value>
    public string? TimeZone { get; set; }

    /// <summary>Gets or sets a value indicating whether the latest occurrence before start-up is started if no host started it.</summary>
    public bool RunOnStartupIfMissed { get; set; }
}

/// <summary>Every schedule in configuration, by name; section <c>Schedules</c>.</summary>
public sealed class ScheduleOptions
{
    public const string Section = "Schedules";

    public Dictionary<string, ScheduleDefinition> Schedules { get; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>Checks every schedule at start-up, naming the schedule and the field that is wrong.</summary>
public sealed partial class ScheduleOptionsValidator(DurableTaskRegistry registry) : IValidateOptions<ScheduleOptions>
{
    public ValidateOptionsResult Validate(string? name, ScheduleOptions options)
    {
        var failures = new List<string>();
        foreach (var (scheduleName, schedule) in options.Schedules)
        {
            var prefix = $"{ScheduleOptions.Section}:{scheduleName}";
            if (!SafeName().IsMatch(scheduleName))
            {
                failures.Add($"{prefix}: a schedule name holds 1 to 64 letters, digits, '-' or '_'.");
            }

            if (string.IsNullOrWhiteSpace(schedule.Orchestrator))
            {
                failures.Add($"{prefix}:Orchestrator is required.");
            }
            else if (!registry.GetOrchestrators().Any(entry => entry.Key == new TaskName(schedule.Orchestrator)))
            {
                failures.Add($"{prefix}:Orchestrator '{schedule.Orchestrator}' is not registered in this host.");
            }

            if (string.IsNullOrWhiteSpace(schedule.Cron))
            {
                failures.Add($"{prefix}:Cron is required.");
            }
            else if (!TryParse(schedule.Cron, out var error))
            {
                failures.Add($"{prefix}:Cron '{schedule.Cron}' is not a six-field NCRONTAB expression (second minute hour day month weekday): {error}");
            }

            if (!string.IsNullOrWhiteSpace(schedule.TimeZone) && !TimeZoneInfo.TryFindSystemTimeZoneById(schedule.TimeZone, out _))
            {
                failures.Add($"{prefix}:TimeZone '{schedule.TimeZone}' is not a known time zone.");
            }
        }

        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }

    private static bool TryParse(string cron, out string? error)
    {
        try
        {
            CronExpression.Parse(cron, CronFormat.IncludeSeconds);
            error = null;
            return true;
        }
        catch (CronFormatException exception)
        {
            error = exception.Message;
            return false;
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex SafeName();
}
