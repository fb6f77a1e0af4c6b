using OpsFunctions.Integrations.Diagnostics;

namespace OpsFunctions.Operations.Tests.Deployments;

/// <summary>
/// Answers the built-in templates' queries with values the test sets: requests in the window, the share of 5xx and the
/// p95 latency, each for the canary (<c>track="canary"</c>) or the stable version. Records every query.
/// </summary>
public sealed class ProgrammablePrometheus : IPrometheusQueryClient
{
    private readonly List<string> _queries = [];

    public double CanaryRequests { get; set; } = 1_000;

    public double CanaryErrorRate { get; set; }

    public double StableErrorRate { get; set; }

    public double CanaryLatencyP95 { get; set; } = 0.2;

    public double StableLatencyP95 { get; set; } = 0.2;

    public IReadOnlyList<string> Queries
    {
        get
        {
            lock (_queries)
            {
                return [.. _queries];
            }
        }
    }

    public Task<PrometheusQueryResult> QueryAsync(string query, CancellationToken cancellationToken)
        => QueryAsync(new Uri("http://prometheus.test:9090"), query, null, cancellationToken);

    public Task<PrometheusQueryResult> QueryAsync(Uri baseUrl, string query, DateTimeOffset? evaluationTime, CancellationToken cancellationToken)
    {
        lock (_queries)
        {
            _queries.Add(query);
        }

        var canary = query.Contains("track=\"canary\"", StringComparison.Ordinal);
        double value = query.Contains("increase(", StringComparison.Ordinal) ? (canary ? CanaryRequests : 1_000)
            : query.Contains("histogram_quantile", StringComparison.Ordinal) ? (canary ? CanaryLatencyP95 : StableLatencyP95)
            : query.Contains("5..", StringComparison.Ordinal) ? (canary ? CanaryErrorRate : StableErrorRate)
            : 1;
        return Task.FromResult(new PrometheusQueryResult
        {
            Query = query,
            Success = true,
            ResultType = "vector",
            Samples = [new PrometheusSample(new Dictionary<string, string>(), evaluationTime ?? DateTimeOffset.UnixEpoch, value)],
        });
    }

    public Task<PrometheusQueryResult> QueryRangeAsync(Uri baseUrl, string query, DateTimeOffset start, DateTimeOffset end, TimeSpan step, CancellationToken cancellationToken)
        => throw new NotSupportedException("the analysis takes instant measurements");
}
