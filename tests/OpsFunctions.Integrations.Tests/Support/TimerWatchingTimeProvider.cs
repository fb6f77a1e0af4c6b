using Microsoft.Extensions.Time.Testing;

namespace OpsFunctions.Integrations.Tests.Support;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that records the timers the code under test sets. Polly schedules a retry's delay
/// only after the attempt's timeout has fired, on another thread, with jitter: advancing the clock before that timer
/// exists moves nothing, so a test waits for the timer and then advances by exactly its due time.
/// </summary>
public sealed class TimerWatchingTimeProvider : FakeTimeProvider
{
    private readonly Lock _gate = new();
    private readonly List<TimeSpan> _dueTimes = [];

    /// <summary>Gets how many timers have been set so far.</summary>
    public int TimersSet
    {
        get
        {
            lock (_gate)
            {
                return _dueTimes.Count;
            }
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);

        // A pooled CancellationTokenSource creates its timer unset and arms it later; only a timer set to fire counts.
        if (dueTime != Timeout.InfiniteTimeSpan)
        {
            lock (_gate)
            {
                _dueTimes.Add(dueTime);
            }
        }

        return timer;
    }

    /// <summary>Gets the due time of the first timer set after the first <paramref name="count"/>, when there is one.</summary>
    public bool TryGetTimerSetAfter(int count, out TimeSpan dueTime)
    {
        lock (_gate)
        {
            dueTime = _dueTimes.Count > count ? _dueTimes[count] : default;
            return _dueTimes.Count > count;
        }
    }
}
