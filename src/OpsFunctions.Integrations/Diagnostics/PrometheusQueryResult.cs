using System.Globalization;
using System.Text.Json.Serialization;

namespace OpsFunctions.Integrations.Diagnostics;

/// <summary>One value of a query result: its series labels (empty for a scalar), when, and the value.</summary>
/// <remarks>NaN and infinities are valid values; they serialize as "NaN", "Infinity" and "-Infinity".</remarks>
public sealed record PrometheusSample(
    IReadOnlyDictionary<string, string> Labels,
    DateTimeOffset Timestamp,
    [property: JsonNumberHandling(JsonNumberHandling.AllowNamedFloatingPointLiterals)] double Value)
{
    /// <summary>Gets the value as Prometheus sent it ("0.25", "NaN", "+Inf", or a string result's text).</summary>
    public string RawValue { get; init; } = "";
}

/// <summary>
/// What a query (instant or range) returned: the result type (vector, scalar, matrix, string) and its samples, or the error
/// Prometheus gave (<c>errorType</c>: <c>error</c>) or the transport failure.
/// </summary>
public sealed record PrometheusQueryResult
{
    public required string Query { get; init; }

    public required bool Success { get; init; }

    public string ResultType { get; init; } = "";

    public IReadOnlyList<PrometheusSample> Samples { get; init; } = [];

    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Gets Prometheus' <c>errorType</c> (bad_data, execution, timeout, unavailable…), when it answered with one.</summary>
    public string? ErrorType { get; init; }

    public string? Error { get; init; }

    public int? StatusCode { get; init; }

    public TimeSpan Duration { get; init; }

    /// <summary>Gets the single value of a scalar or one-series vector result; null otherwise.</summary>
    [JsonNumberHandling(JsonNumberHandling.AllowNamedFloatingPointLiterals)]
    public double? SingleValue => Success && Samples.Count == 1 ? Samples[0].Value : null;

    public string Describe()
    {
        if (!Success)
        {
            return $"{Query}: error: {Error}";
        }

        var values = Samples.Take(5).Select(s =>
            (s.Labels.Count == 0 ? "" : "{" + string.Join(", ", s.Labels.Select(l => $"{l.Key}=\"{l.Value}\"")) + "} ")
            + s.Value.ToString("G6", CultureInfo.InvariantCulture));
        var more = Samples.Count > 5 ? $" and {Samples.Count - 5} more" : "";
        return Samples.Count == 0 ? $"{Query}: no data" : $"{Query}: {string.Join("; ", values)}{more}";
    }
}
