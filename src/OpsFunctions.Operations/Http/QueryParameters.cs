using System.Globalization;

namespace OpsFunctions.Operations.Http;

/// <summary>Query parameters and paging headers every list route reads alike, in Durable Functions' shape.</summary>
public static class QueryParameters
{
    /// <summary>The header that carries the token of the next page, both ways.</summary>
    public const string ContinuationHeader = "x-ms-continuation-token";

    /// <summary>The most items one page holds.</summary>
    public const int MaxPageSize = 1000;

    /// <summary>Reads an ISO 8601 time (UTC unless it says otherwise), or records why not under <paramref name="field"/>.</summary>
    public static DateTimeOffset? Time(string? value, string field, Dictionary<string, string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
        {
            return time;
        }

        errors[field] = $"The field '{field}' holds '{value}', which is not an ISO 8601 time.";
        return null;
    }

    /// <summary>Reads <c>top</c>, the page size: <paramref name="defaultSize"/> when absent, else 1 to <see cref="MaxPageSize"/>.</summary>
    public static int PageSize(string? top, int defaultSize, Dictionary<string, string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (top is null)
        {
            return defaultSize;
        }

        if (int.TryParse(top, NumberStyles.None, CultureInfo.InvariantCulture, out var size) && size is >= 1 and <= MaxPageSize)
        {
            return size;
        }

        errors["top"] = $"The field 'top' must be a number between 1 and {MaxPageSize}.";
        return defaultSize;
    }

    /// <summary>Reads an enum by name (case ignored, numbers refused), or records the names it may hold under <paramref name="field"/>.</summary>
    public static TEnum? Enum<TEnum>(string? value, string field, Dictionary<string, string> errors)
        where TEnum : struct, System.Enum
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (System.Enum.TryParse<TEnum>(value, ignoreCase: true, out var parsed) && !int.TryParse(value, out _))
        {
            return parsed;
        }

        errors[field] = $"The field '{field}' holds '{value}', which is not one of {string.Join(", ", System.Enum.GetNames<TEnum>())}.";
        return null;
    }
}
