namespace OpsFunctions.Durable.Execution;

/// <summary>A task the orchestrator awaits, completed when history delivers its result.</summary>
internal abstract class OpenTask
{
    protected OpenTask(string name)
    {
        Name = name;
    }

    public string Name { get; }

    public abstract void Complete(string? result, DataConverter converter);

    public abstract void Fail(Exception exception);

    public abstract void Cancel();
}

internal sealed class OpenTask<T>(string name) : OpenTask(name)
{
    // Continuations run inline on the replay thread, in registration order: deterministic. Asynchronous
    // continuations would send combinators such as Task.WhenAll through the thread pool, off the scheduler.
#pragma warning disable VSTHRD112 // Not awaited by unrelated code: only orchestrator code on the replay thread.
    private readonly TaskCompletionSource<T> _source = new();
#pragma warning restore VSTHRD112

    public Task<T> Task => _source.Task;

    public override void Complete(string? result, DataConverter converter)
    {
        T value;
        try
        {
            value = converter.Deserialize<T>(result)!;
        }
        catch (Exception exception)
        {
            _source.TrySetException(exception);
            return;
        }

        _source.TrySetResult(value);
    }

    public override void Fail(Exception exception) => _source.TrySetException(exception);

    public override void Cancel() => _source.TrySetCanceled();
}
