namespace OpsFunctions.Durable.Client;

/// <summary>
/// How to start an instance.
/// </summary>
/// <param name="InstanceId">Gets the instance id; a new GUID when <see langword="null"/>.</param>
/// <param name="StartAt">Gets the time to start at; now when <see langword="null"/>.</param>
public record StartOrchestrationOptions(string? InstanceId = null, DateTimeOffset? StartAt = null);
