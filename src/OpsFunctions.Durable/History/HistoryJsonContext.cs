using System.Text.Json;
using System.Text.Json.Serialization;

namespace OpsFunctions.Durable.History;

/// <summary>
/// The source-generated serializer of history events and messages. Its options are part of the
/// wire contract: never change them.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(HistoryEvent))]
[JsonSerializable(typeof(OrchestrationMessage))]
[JsonSerializable(typeof(ActivityMessage))]
[JsonSerializable(typeof(TaskFailureDetails))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, string>))]
public sealed partial class HistoryJsonContext : JsonSerializerContext;

/// <summary>
/// Serializes history events and messages for stores.
/// </summary>
public static class HistorySerializer
{
    /// <summary>Serializes an event.</summary>
    /// <param name="historyEvent">The event.</param>
    /// <returns>The JSON.</returns>
    public static string Serialize(HistoryEvent historyEvent) => JsonSerializer.Serialize(historyEvent, HistoryJsonContext.Default.HistoryEvent);

    /// <summary>Deserializes an event.</summary>
    /// <param name="json">The JSON.</param>
    /// <returns>The event.</returns>
    public static HistoryEvent DeserializeEvent(string json)
        => LegacyFailures.Upgrade(JsonSerializer.Deserialize(json, HistoryJsonContext.Default.HistoryEvent)
            ?? throw new JsonException("A history event serialized as null."));

    /// <summary>Serializes an orchestration message.</summary>
    /// <param name="message">The message.</param>
    /// <returns>The JSON.</returns>
    public static string Serialize(OrchestrationMessage message) => JsonSerializer.Serialize(message, HistoryJsonContext.Default.OrchestrationMessage);

    /// <summary>Deserializes an orchestration message.</summary>
    /// <param name="json">The JSON.</param>
    /// <returns>The message.</returns>
    public static OrchestrationMessage DeserializeOrchestrationMessage(string json)
    {
        var message = JsonSerializer.Deserialize(json, HistoryJsonContext.Default.OrchestrationMessage)
            ?? throw new JsonException("An orchestration message serialized as null.");
        var upgraded = LegacyFailures.Upgrade(message.Event);
        return ReferenceEquals(upgraded, message.Event) ? message : message with { Event = upgraded };
    }

    /// <summary>Serializes an activity message.</summary>
    /// <param name="message">The message.</param>
    /// <returns>The JSON.</returns>
    public static string Serialize(ActivityMessage message) => JsonSerializer.Serialize(message, HistoryJsonContext.Default.ActivityMessage);

    /// <summary>Deserializes an activity message.</summary>
    /// <param name="json">The JSON.</param>
    /// <returns>The message.</returns>
    public static ActivityMessage DeserializeActivityMessage(string json)
        => JsonSerializer.Deserialize(json, HistoryJsonContext.Default.ActivityMessage)
            ?? throw new JsonException("An activity message serialized as null.");

    /// <summary>Serializes failure details.</summary>
    /// <param name="failure">The failure.</param>
    /// <returns>The JSON.</returns>
    public static string Serialize(TaskFailureDetails failure) => JsonSerializer.Serialize(failure, HistoryJsonContext.Default.TaskFailureDetails);

    /// <summary>Serializes an instance's tags.</summary>
    /// <param name="tags">The tags.</param>
    /// <returns>The JSON, or <see langword="null"/> for no tags.</returns>
    public static string? SerializeTags(IReadOnlyDictionary<string, string>? tags)
        => tags is { Count: > 0 } ? JsonSerializer.Serialize(tags, HistoryJsonContext.Default.IReadOnlyDictionaryStringString) : null;

    /// <summary>Deserializes an instance's tags.</summary>
    /// <param name="json">The JSON, or <see langword="null"/>.</param>
    /// <returns>The tags, or <see langword="null"/>.</returns>
    public static IReadOnlyDictionary<string, string>? DeserializeTags(string? json)
        => json is null ? null : JsonSerializer.Deserialize(json, HistoryJsonContext.Default.IReadOnlyDictionaryStringString);

    /// <summary>Deserializes failure details.</summary>
    /// <param name="json">The JSON.</param>
    /// <returns>The failure.</returns>
    public static TaskFailureDetails DeserializeFailure(string json)
        => LegacyFailures.Upgrade(JsonSerializer.Deserialize(json, HistoryJsonContext.Default.TaskFailureDetails)
            ?? throw new JsonException("Failure details serialized as null."));
}
