using System.Text.Json;
using System.Text.Json.Serialization;

namespace OpsFunctions.Durable.AzureStorage;

/// <summary>
/// The body of one queue message: one or more engine messages, or the name of the blob that holds them.
/// </summary>
/// <param name="Parts">Gets the engine messages.</param>
/// <param name="Blob">Gets the blob holding the body when it was too large for the queue.</param>
/// <param name="Deferrals">
/// Gets how often a host received the message before its due time and put it back: each receive counts as a dequeue
/// in Azure Queues, but none of them was a failed attempt, so they are taken off the count the engine sees.
/// </param>
internal sealed record QueueEnvelope(
    [property: JsonPropertyName("p")] IReadOnlyList<EnvelopePart>? Parts,
    [property: JsonPropertyName("b")] string? Blob = null,
    [property: JsonPropertyName("d")] int? Deferrals = null)
{
    public string Serialize() => JsonSerializer.Serialize(this, AzureStorageJsonContext.Default.QueueEnvelope);

    /// <exception cref="JsonException">The body is not an envelope.</exception>
    public static QueueEnvelope Deserialize(string json)
        => JsonSerializer.Deserialize(json, AzureStorageJsonContext.Default.QueueEnvelope)
            ?? throw new JsonException("The queue message body is null.");
}

/// <summary>
/// One engine message in a queue message.
/// </summary>
/// <param name="Orchestration">Gets a message to an instance, as history JSON.</param>
/// <param name="Activity">Gets an activity request, as history JSON.</param>
/// <param name="Incarnation">Gets the incarnation of the instance the message was sent to; a re-created instance drops older messages.</param>
internal sealed record EnvelopePart(
    [property: JsonPropertyName("o")] string? Orchestration,
    [property: JsonPropertyName("a")] string? Activity,
    [property: JsonPropertyName("g")] string? Incarnation);

/// <summary>
/// The messages an episode sends, kept on the instance head until they are sent, so a crash in between loses none.
/// </summary>
/// <param name="Parts">Gets the messages.</param>
internal sealed record Outbox([property: JsonPropertyName("p")] IReadOnlyList<EnvelopePart> Parts)
{
    public string Serialize() => JsonSerializer.Serialize(this, AzureStorageJsonContext.Default.Outbox);

    public static Outbox Deserialize(string json)
        => JsonSerializer.Deserialize(json, AzureStorageJsonContext.Default.Outbox) ?? new Outbox([]);
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(QueueEnvelope))]
[JsonSerializable(typeof(Outbox))]
internal sealed partial class AzureStorageJsonContext : JsonSerializerContext;
