namespace OpsFunctions.Integrations.Tests.Support;

/// <summary>Starts a <see cref="PendingCall{T}"/>.</summary>
public static class PendingCall
{
    /// <summary>Starts <paramref name="call"/> with a token that disposing the returned call cancels.</summary>
    public static PendingCall<T> Start<T>(Func<CancellationToken, Task<T>> call) => new(call);
}

/// <summary>
/// A call under test that the test moves along with a fake clock. Declare it after the services: disposing it
/// cancels the call and waits for it to end. A resilience pipeline that is disposed while it still runs a call polls
/// for that call's end with delays on its own clock, and a fake clock that nobody moves any more would hang the test
/// instead of letting it fail.
/// </summary>
public sealed class PendingCall<T> : IAsyncDisposable
{
    private readonly CancellationTokenSource _cancellation = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
    private readonly Task<T> _call;

    internal PendingCall(Func<CancellationToken, Task<T>> call) => _call = call(_cancellation.Token);

    public bool IsCompleted => _call.IsCompleted;

    /// <summary>Waits for the call's result, in real time up to <see cref="Eventually.Patience"/>.</summary>
    public async Task<T> ResultAsync()
    {
        try
        {
            return await _call.WaitAsync(Eventually.Patience, TestContext.Current.CancellationToken);
        }
        catch (TimeoutException exception) when (!_call.IsCompleted)
        {
            throw new TimeoutException($"The call under test had not returned after {Eventually.Patience.TotalSeconds} s; was the fake clock moved far enough?", exception);
        }
    }

    public Task CancelAsync() => _cancellation.CancelAsync();

    public async ValueTask DisposeAsync()
    {
        await _cancellation.CancelAsync();
        try
        {
            await _call.WaitAsync(Eventually.Patience);
        }
        catch (Exception)
        {
            // The test has already taken what it wanted from the call; here it only has to have ended.
        }

        _cancellation.Dispose();
    }
}
