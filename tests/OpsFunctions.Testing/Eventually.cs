using Xunit;
using Xunit.Sdk;

namespace OpsFunctions.Testing;

/// <summary>
/// Waits on the real clock for what another thread or process makes true: a poller's write, a host's episode, a
/// real Alertmanager's webhook. The condition is checked often; only a failing test waits the whole patience.
/// </summary>
public static class Eventually
{
    /// <summary>
    /// Gets how long a condition may take. Generous on purpose: every test project runs at once on two cores, and a
    /// loaded machine takes seconds for what takes milliseconds alone. A test that waits this long has failed anyway.
    /// </summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(20);

    /// <summary>Waits until <paramref name="condition"/> holds; fails naming <paramref name="what"/> when it does not within <paramref name="patience"/>.</summary>
    /// <param name="condition">Checked every 20 ms.</param>
    /// <param name="what">What was waited for, for the failure message ("the level 2 page").</param>
    /// <param name="patience">How long to wait; <see cref="Patience"/> when not given.</param>
    /// <returns>A task that completes once the condition holds.</returns>
    public static Task HappensAsync(Func<bool> condition, string what, TimeSpan? patience = null)
        => HappensAsync(() => Task.FromResult(condition()), what, patience);

    /// <inheritdoc cref="HappensAsync(Func{bool}, string, TimeSpan?)"/>
    public static async Task HappensAsync(Func<Task<bool>> condition, string what, TimeSpan? patience = null)
    {
        var limit = patience ?? Patience;
        var started = TimeProvider.System.GetTimestamp();
        while (!await condition().ConfigureAwait(false))
        {
            if (TimeProvider.System.GetElapsedTime(started) > limit)
            {
                throw new XunitException($"Waited {limit.TotalSeconds:0.#} s for {what}; it did not happen.");
            }

            await Task.Delay(Interval, TestContext.Current.CancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Polls <paramref name="probe"/> until it returns a value; fails naming <paramref name="what"/> when it does not within <paramref name="patience"/>.</summary>
    /// <typeparam name="T">What the probe finds.</typeparam>
    /// <param name="probe">Returns null until what is waited for is there; checked every 20 ms.</param>
    /// <param name="what">What was waited for, for the failure message.</param>
    /// <param name="patience">How long to wait; <see cref="Patience"/> when not given.</param>
    /// <returns>The first value the probe returned.</returns>
    public static async Task<T> ReturnsAsync<T>(Func<Task<T?>> probe, string what, TimeSpan? patience = null)
        where T : class
    {
        T? found = null;
        await HappensAsync(async () => (found = await probe().ConfigureAwait(false)) is not null, what, patience).ConfigureAwait(false);
        return found!;
    }
}
