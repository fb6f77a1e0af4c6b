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
}
