using OpsFunctions.Durable.Execution;

namespace OpsFunctions.Durable.Worker;

/// <summary>
/// An instance as the worker keeps it between episodes: its history and, once it has run, the
/// executor holding the suspended orchestrator code.
/// </summary>
internal sealed class OrchestrationSession(string instanceId)
{
    private bool _isCommitting;

    public string InstanceId { get; } = instanceId;

    public InstanceHistory History { get; } = new();

    /// <summary>Gets or sets the executor; <see langword="null"/> until it has replayed <see cref="History"/>.</summary>
    public OrchestrationExecutor? Executor { get; set; }

    /// <summary>Gets or sets the store version of the head this session reflects.</summary>
    public string? Version { get; set; }

    public long LastUsedTimestamp { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether the episode that produced this session is still committing; the
    /// session waits in the cache meanwhile, so the next episode, which can start the moment the commit lands,
    /// finds it.
    /// </summary>
    public bool IsCommitting
    {
        get => Volatile.Read(ref _isCommitting);
        set => Volatile.Write(ref _isCommitting, value);
    }

    public void StartNewExecution()
    {
        History.Clear();
        Executor = null;
    }
}
