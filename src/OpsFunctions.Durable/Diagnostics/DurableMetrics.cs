using System.Diagnostics.Metrics;

namespace OpsFunctions.Durable.Diagnostics;

/// <summary>
/// The engine's instruments, on the meter <see cref="MeterName"/>: orchestrations started, completed and failed
/// by orchestrator name, activity durations by activity name, and how late durable timers fire.
/// </summary>
/// <remarks>
/// The meter comes from the container's <see cref="IMeterFactory"/> when there is one, so two engines in one
/// process (tests, side-by-side hosts) keep separate counts.
/// </remarks>
public sealed class DurableMetrics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "OpsFunctions.Durable";

    private readonly Meter _meter;
    private readonly Counter<long> _started;
    private readonly Counter<long> _completed;
    private readonly Counter<long> _failed;
    private readonly Histogram<double> _activityDuration;
    private readonly Histogram<double> _timerLateness;

    /// <summary>Initializes a new instance of the <see cref="DurableMetrics"/> class.</summary>
    /// <param name="meterFactory">Creates the meter; a standalone meter when <see langword="null"/>.</param>
    public DurableMetrics(IMeterFactory? meterFactory)
    {
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _started = _meter.CreateCounter<long>("opsfunctions.orchestrations.started", "{orchestration}", "Orchestrations that began running.");
        _completed = _meter.CreateCounter<long>("opsfunctions.orchestrations.completed", "{orchestration}", "Orchestrations that completed.");
        _failed = _meter.CreateCounter<long>("opsfunctions.orchestrations.failed", "{orchestration}", "Orchestrations that failed.");
        _activityDuration = _meter.CreateHistogram<double>(
            "opsfunctions.activity.duration",
            "s",
            "How long activities ran, by activity name and outcome.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] });
        _timerLateness = _meter.CreateHistogram<double>(
            "opsfunctions.timer.lateness",
            "s",
            "How long after its due time a durable timer reached its orchestration, by orchestrator name.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60] });
    }

    /// <summary>Gets the meter, for listeners that want only this engine's instruments.</summary>
    public Meter Meter => _meter;

    /// <summary>Records an episode's status change.</summary>
    /// <param name="name">The orchestrator name.</param>
    /// <param name="before">The status when the episode began.</param>
    /// <param name="after">The status it committed.</param>
    public void RecordEpisode(string name, OrchestrationRuntimeStatus before, OrchestrationRuntimeStatus after)
    {
        if (before == after)
        {
            return;
        }

        var tag = new KeyValuePair<string, object?>("name", name);
        if (before == OrchestrationRuntimeStatus.Pending)
        {
            _started.Add(1, tag);
        }

        if (after == OrchestrationRuntimeStatus.Completed)
        {
            _completed.Add(1, tag);
        }
        else if (after == OrchestrationRuntimeStatus.Failed)
        {
            _failed.Add(1, tag);
        }
    }

    /// <summary>Records one activity run.</summary>
    /// <param name="name">The activity name.</param>
    /// <param name="duration">How long it ran.</param>
    /// <param name="failed">Whether it failed.</param>
    public void RecordActivity(string name, TimeSpan duration, bool failed)
        => _activityDuration.Record(
            duration.TotalSeconds,
            new KeyValuePair<string, object?>("name", name),
            new KeyValuePair<string, object?>("outcome", failed ? "failed" : "completed"));

    /// <summary>Records how late the timers an episode delivered fired.</summary>
    /// <param name="name">The orchestrator name.</param>
    /// <param name="events">The episode's new events.</param>
    /// <param name="now">When the episode ran.</param>
    public void RecordTimers(string name, IReadOnlyList<History.HistoryEvent> events, DateTimeOffset now)
    {
        foreach (var fired in events.OfType<History.TimerFired>())
        {
            _timerLateness.Record(Math.Max(0, (now - fired.FireAt).TotalSeconds), new KeyValuePair<string, object?>("name", name));
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _meter.Dispose();
}
