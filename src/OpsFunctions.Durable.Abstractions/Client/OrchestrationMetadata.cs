namespace OpsFunctions.Durable.Client;

/// <summary>
/// What a client sees of an instance.
/// </summary>
/// <param name="Name">Gets the orchestrator name.</param>
/// <param name="InstanceId">Gets the instance id.</param>
public sealed record OrchestrationMetadata(string Name, string InstanceId)
{
    /// <summary>Gets the status.</summary>
    public OrchestrationRuntimeStatus RuntimeStatus { get; init; }

    /// <summary>Gets when the instance was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets when the instance last changed.</summary>
    public DateTimeOffset LastUpdatedAt { get; init; }

    /// <summary>Gets the input as JSON, when fetched.</summary>
    public string? SerializedInput { get; init; }

    /// <summary>Gets the output as JSON, when fetched.</summary>
    public string? SerializedOutput { get; init; }

    /// <summary>Gets the custom status as JSON, when fetched.</summary>
    public string? SerializedCustomStatus { get; init; }

    /// <summary>Gets the failure of a Failed instance.</summary>
    public TaskFailureDetails? FailureDetails { get; init; }

    /// <summary>Gets the converter the Read methods use.</summary>
    public DataConverter DataConverter { get; init; } = JsonDataConverter.Default;

    /// <summary>Gets a value indicating whether the instance is Running.</summary>
    public bool IsRunning => RuntimeStatus == OrchestrationRuntimeStatus.Running;

    /// <summary>Gets a value indicating whether the instance has ended: Completed, Failed or Terminated.</summary>
    public bool IsCompleted => RuntimeStatus is OrchestrationRuntimeStatus.Completed
        or OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated;

    /// <summary>Reads the input.</summary>
    /// <typeparam name="T">The type to read.</typeparam>
    /// <returns>The input.</returns>
    public T? ReadInputAs<T>() => DataConverter.Deserialize<T>(SerializedInput);

    /// <summary>Reads the output.</summary>
    /// <typeparam name="T">The type to read.</typeparam>
    /// <returns>The output.</returns>
    public T? ReadOutputAs<T>() => DataConverter.Deserialize<T>(SerializedOutput);

    /// <summary>Reads the custom status.</summary>
    /// <typeparam name="T">The type to read.</typeparam>
    /// <returns>The custom status.</returns>
    public T? ReadCustomStatusAs<T>() => DataConverter.Deserialize<T>(SerializedCustomStatus);
}
