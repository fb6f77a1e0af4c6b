using System.Text.Json;

namespace OpsFunctions.Durable;

/// <summary>
/// The engine's payload converter: System.Text.Json with web defaults (camelCase, case-insensitive reads).
/// </summary>
/// <remarks>
/// The official <c>Microsoft.DurableTask.Converters.JsonDataConverter</c> writes PascalCase and reads case-sensitively,
/// so it cannot read what this engine has stored, nor the camelCase JSON that webhooks and the management API speak.
/// Register another <see cref="DataConverter"/> as a service, or set <c>DurableTaskWorkerOptions.DataConverter</c>,
/// to replace it, as with the official worker.
/// </remarks>
public sealed class JsonDataConverter : DataConverter
{
    private readonly JsonSerializerOptions _options;

    /// <summary>Initializes a new instance of the <see cref="JsonDataConverter"/> class.</summary>
    /// <param name="options">The serializer options; web defaults when <see langword="null"/>.</param>
    public JsonDataConverter(JsonSerializerOptions? options = null)
    {
        _options = options ?? new JsonSerializerOptions(JsonSerializerDefaults.Web);
    }

    /// <summary>Gets the converter with web defaults.</summary>
    public static JsonDataConverter Default { get; } = new();

    /// <inheritdoc/>
    public override string? Serialize(object? value)
        => value is null ? null : JsonSerializer.Serialize(value, value.GetType(), _options);

    /// <inheritdoc/>
    /// <remarks>A missing payload reads as the type's default value, so an activity without input may take an <c>int</c>.</remarks>
    public override object? Deserialize(string? data, Type targetType)
    {
        ArgumentNullException.ThrowIfNull(targetType);
        if (data is null)
        {
            return targetType.IsValueType && Nullable.GetUnderlyingType(targetType) is null
                ? Activator.CreateInstance(targetType)
                : null;
        }

        return JsonSerializer.Deserialize(data, targetType, _options);
    }
}
