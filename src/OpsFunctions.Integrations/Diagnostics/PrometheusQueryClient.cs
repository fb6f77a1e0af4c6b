using System.Globalization;
using System.Text.Json;
using OpsFunctions.Integrations.Http;

namespace OpsFunctions.Integrations.Diagnostics;

/// <summary>Runs Prometheus instant and range queries for the incident runbook and canary analysis.</summary>
public interface IPrometheusQueryClient
{
    /// <summary>Queries <c>Diagnostics:Prometheus:BaseUrl</c>.</summary>
    Task<PrometheusQueryResult> QueryAsync(string query, CancellationToken cancellationToken);

    /// <summary>Runs <c>GET {baseUrl}/api/v1/query?query=…[&amp;time=…]</c>; failures are results, only cancellation throws.</summary>
    Task<PrometheusQueryResult> QueryAsync(Uri baseUrl, string query, DateTimeOffset? evaluationTime, CancellationToken cancellationToken);

    /// <summary>
    /// Runs <c>GET {baseUrl}/api/v1/query_range?query=…&amp;start=…&amp;end=…&amp;step=…</c>: a matrix, each series' points
    /// oldest first as samples; failures are results, only cancellation throws.
    /// </summary>
    Task<PrometheusQueryResult> QueryRangeAsync(Uri baseUrl, string query, DateTimeOffset start, DateTimeOffset end, TimeSpan step, CancellationToken cancellationToken);
}

/// <summary>Prometheus' HTTP API client for instant and range queries, parsing vector, scalar, string and matrix results.</summary>
public sealed class PrometheusQueryClient(IHttpClientFactory clients, IOptionsMonitor<PrometheusOptions> options, TimeProvider time) : IPrometheusQueryClient
{
    public Task<PrometheusQueryResult> QueryAsync(string query, CancellationToken cancellationToken)
    {
        var baseUrl = options.CurrentValue.BaseUrl;
        if (string.IsNullOrWhiteSpace(baseUrl))
        {
            return Task.FromResult(new PrometheusQueryResult
            {
                Query = query,
                Success = false,
                Error = $"no Prometheus server: set {PrometheusOptions.Section}:BaseUrl",
            });
        }

        return QueryAsync(new Uri(baseUrl), query, null, cancellationToken);
    }

    public Task<PrometheusQueryResult> QueryAsync(Uri baseUrl, string query, DateTimeOffset? evaluationTime, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        var url = $"{baseUrl.AbsoluteUri.TrimEnd('/')}/api/v1/query?query={Uri.EscapeDataString(query)}";
        if (evaluationTime is { } at)
        {
            url += $"&time={Seconds(at)}";
        }

        return GetAsync(baseUrl, query, url, cancellationToken);
    }

    public Task<PrometheusQueryResult> QueryRangeAsync(Uri baseUrl, string query, DateTimeOffset start, DateTimeOffset end, TimeSpan step, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        if (step <= TimeSpan.Zero || end < start)
        {
            // Prometheus would answer bad_data; say which argument, without a round trip.
            return Task.FromResult(new PrometheusQueryResult
            {
                Query = query,
                Success = false,
                ErrorType = "bad_data",
                Error = step <= TimeSpan.Zero ? $"the step must be positive, not {step}" : $"the end {end:O} is before the start {start:O}",
            });
        }

        var url = $"{baseUrl.AbsoluteUri.TrimEnd('/')}/api/v1/query_range?query={Uri.EscapeDataString(query)}"
            + $"&start={Seconds(start)}&end={Seconds(end)}&step={step.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)}";
        return GetAsync(baseUrl, query, url, cancellationToken);
    }

    private static string Seconds(DateTimeOffset at) => (at.ToUnixTimeMilliseconds() / 1000.0).ToString("0.###", CultureInfo.InvariantCulture);

    private async Task<PrometheusQueryResult> GetAsync(Uri baseUrl, string query, string url, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        int? status = null;
        try
        {
            using var client = clients.CreateClient(IntegrationsHttpClients.Prometheus);
            using var response = await client.GetAsync(new Uri(url), cancellationToken).ConfigureAwait(false);
            status = (int)response.StatusCode;
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            var result = Parse(query, body, status.Value, response.ReasonPhrase);
            return result with { StatusCode = status, Duration = time.GetElapsedTime(started) };
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception exception)
        {
            var error = OutboundFailure.Describe(exception, baseUrl.Authority, out _);
            return new PrometheusQueryResult { Query = query, Success = false, Error = error, StatusCode = status, Duration = time.GetElapsedTime(started) };
        }
    }

    /// <summary>Reads Prometheus' envelope: <c>{"status":"success"|"error","data":{"resultType","result"},"errorType","error","warnings"}</c>.</summary>
    internal static PrometheusQueryResult Parse(string query, byte[] body, int status, string? reason)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return new PrometheusQueryResult
            {
                Query = query,
                Success = false,
                Error = $"HTTP {status} {reason}, not Prometheus JSON: {HttpDelivery.Excerpt(System.Text.Encoding.UTF8.GetString(body))}",
            };
        }

        using (document)
        {
            var root = document.RootElement;
            var warnings = root.TryGetProperty("warnings", out var w) && w.ValueKind == JsonValueKind.Array
                ? w.EnumerateArray().Select(x => x.ToString()).ToList()
                : [];
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("status", out var state) || state.GetString() != "success")
            {
                var errorType = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("errorType", out var et) ? et.GetString() : null;
                var error = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var e) ? e.GetString() : null;
                return new PrometheusQueryResult
                {
                    Query = query,
                    Success = false,
                    ErrorType = errorType,
                    Error = error is null
                        ? $"HTTP {status} {reason}: {HttpDelivery.Excerpt(root.ToString())}"
                        : $"Prometheus {errorType ?? "error"}: {error}",
                    Warnings = warnings,
                };
            }

            var data = root.GetProperty("data");
            var resultType = data.GetProperty("resultType").GetString() ?? "";
            var result = data.GetProperty("result");
            var samples = new List<PrometheusSample>();
            switch (resultType)
            {
                case "scalar" or "string":
                    samples.Add(Sample(Empty, result));
                    break;
                case "vector":
                    foreach (var series in result.EnumerateArray())
                    {
                        samples.Add(Sample(Labels(series), series.GetProperty("value")));
                    }

                    break;
                case "matrix":
                    foreach (var series in result.EnumerateArray())
                    {
                        var labels = Labels(series);
                        samples.AddRange(series.GetProperty("values").EnumerateArray().Select(point => Sample(labels, point)));
                    }

                    break;
                default:
                    break;
            }

            return new PrometheusQueryResult { Query = query, Success = true, ResultType = resultType, Samples = samples, Warnings = warnings };
        }
    }

    private static readonly IReadOnlyDictionary<string, string> Empty = new Dictionary<string, string>();

    private static Dictionary<string, string> Labels(JsonElement series)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (series.TryGetProperty("metric", out var metric))
        {
            foreach (var label in metric.EnumerateObject())
            {
                labels[label.Name] = label.Value.GetString() ?? "";
            }
        }

        return labels;
    }

    /// <summary>A <c>[unixSeconds, "value"]</c> pair.</summary>
    private static PrometheusSample Sample(IReadOnlyDictionary<string, string> labels, JsonElement pair)
    {
        var seconds = pair[0].GetDouble();
        var raw = pair[1].GetString() ?? "";
        var timestamp = DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(seconds * 1000));
        return new PrometheusSample(labels, timestamp, ParseValue(raw)) { RawValue = raw };
    }

    private static double ParseValue(string raw) => raw switch
    {
        "+Inf" or "Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : double.NaN,
    };
}
