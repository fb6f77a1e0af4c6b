namespace OpsFunctions.Bench;

/// <summary>
/// What the chain, start-latency and fan-out workloads need from an engine under test: start an instance, wait for its
/// end. One code path per workload then measures the project's engine and the Durable Task Framework alike.
/// </summary>
internal interface IBenchEngine : IAsyncDisposable
{
    /// <summary>Gets the requests sent to a storage account so far (tables, queues, blobs), or null where they are not counted.</summary>
    (long Tables, long Queues, long Blobs)? StorageRequests { get; }

    /// <summary>Starts an instance of <paramref name="orchestratorName"/>.</summary>
    /// <returns>The new instance's id.</returns>
    Task<string> ScheduleAsync(string orchestratorName, object? input);

    /// <summary>Waits until the instance has ended.</summary>
    /// <returns>How it ended.</returns>
    /// <exception cref="TimeoutException">It had not ended within <paramref name="timeout"/>.</exception>
    Task<BenchCompletion> WaitForCompletionAsync(string instanceId, TimeSpan timeout);
}

/// <summary>How an instance ended: its status as the engine names it, its output as JSON, and the failure if any.</summary>
internal sealed record BenchCompletion(string InstanceId, string Status, string? SerializedOutput, string? Failure)
{
    /// <summary>Gets a value indicating whether the instance ran to completion (both engines name that status "Completed").</summary>
    public bool IsCompleted => Status == "Completed";

    /// <summary>Reads the output as <typeparamref name="T"/>: both engines' orchestrators write it with System.Text.Json's web defaults.</summary>
    public T? ReadOutputAs<T>()
        => SerializedOutput is null ? default : System.Text.Json.JsonSerializer.Deserialize<T>(SerializedOutput, System.Text.Json.JsonSerializerOptions.Web);

    public override string ToString() => $"instance {InstanceId} ended {Status} with {SerializedOutput}: {Failure}";
}
