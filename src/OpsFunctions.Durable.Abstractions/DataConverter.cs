using System.Text.Json;

namespace OpsFunctions.Durable;

/// <summary>
/// Turns inputs, outputs, event payloads and custom status into the text history stores, and back.
/// </summary>
public abstract class DataConverter
{
    /// <summary>Serializes a value; <see langword="null"/> stays <see langword="null"/>.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The text, or <see langword="null"/>.</returns>
    public abstract string? Serialize(object? value);

    /// <summary>Deserializes text to <paramref name="targetType"/>.</summary>
    /// <param name="data">The text, or <see langword="null"/>.</param>
    /// <param name="targetType">The type to read.</param>
    /// <returns>The value; the default of <paramref name="targetType"/> for <see langword="null"/>.</returns>
    public abstract object? Deserialize(string? data, Type targetType);

    /// <inheritdoc cref="Deserialize(string?, Type)"/>
    /// <typeparam name="T">The type to read.</typeparam>
    public T? Deserialize<T>(string? data) => (T?)Deserialize(data, typeof(T));
}

/// <summary>
/// The default <see cref="DataConverter"/>: System.Text.Json with web defaults (camelCase, case-insensitive reads).
/// </summary>
public sealed class JsonDataConverter : DataConverter
{
    private readonly JsonSerializerOptions _options;

    /// <summary>Initializes a new instance of the <see cref="JsonDataConverter"/> class.</summary>
    /// <param name="options">The serializer options; web defaults when <see langword="null"/>.</param>
    public JsonDataConverter(JsonSerializerOptions? options = null)
    {
        _options = options ?? new JsonSerializerOptions(JsonSerializerDefaults.Web);
    }

    /// <summary>Gets the shared instance with web defaults.</summary>
    public static JsonDataConverter Default { get; } = new();

    /// <inheritdoc/>
    public override string? Serialize(object? value)
        => value is null ? null : JsonSerializer.Serialize(value, value.GetType(), _options);

    /// <inheritdoc/>
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
