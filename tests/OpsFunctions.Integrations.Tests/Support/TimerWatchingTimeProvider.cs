using Microsoft.Extensions.Time.Testing;

namespace OpsFunctions.Integrations.Tests.Support;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that lets a test wait until the code under test has set a timer. Polly schedules
/// a retry's delay only after the attempt's timeout has fired, on another thread, with jitter: advancing the clock
/// before that timer exists moves nothing, so a test waits for the timer and then advances by exactly its due time.
/// </summary>
public sealed class TimerWatchingTimeProvider : FakeTimeProvider
{
    private readonly Lock _gate = new();
    private readonly List<TimeSpan> _dueTimes = [];
    private TaskCompletionSource _nextTimer = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);

        // A pooled CancellationTokenSource creates its timer unset and arms it later; only a timer set to fire counts.
        if (dueTime != Timeout.InfiniteTimeSpan)
        {
            lock (_gate)
            {
                _dueTimes.Add(dueTime);
                _nextTimer.TrySetResult();
                _nextTimer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        return timer;
    }

    /// <summary>
    /// Advances the clock by <paramref name="delta"/>, then waits (in real time, up to <see cref="Eventually.Patience"/>)
    /// for the first timer set after that, and returns the time it is set for.
    /// </summary>
    public async Task<TimeSpan> AdvanceAndWaitForNextTimerAsync(TimeSpan delta)
    {
        int before;
        lock (_gate)
        {
            before = _dueTimes.Count;
        }

        Advance(delta);
        while (true)
        {
            Task created;
            lock (_gate)
            {
                if (_dueTimes.Count > before)
                {
                    return _dueTimes[before];
                }

                created = _nextTimer.Task;
            }

            await created.WaitAsync(Eventually.Patience, TestContext.Current.CancellationToken);
        }
    }
}
