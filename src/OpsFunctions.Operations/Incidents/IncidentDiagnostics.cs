using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpsFunctions.Integrations.Diagnostics;

namespace OpsFunctions.Operations.Incidents;

/// <summary>
/// The diagnostics runbook of a service, from <c>Incidents:Diagnostics:{service}</c>: the service's HTTP health checks
/// (<see cref="IHttpHealthCheck"/>) and Prometheus instant queries (<see cref="IPrometheusQueryClient"/>, against
/// <c>Diagnostics:Prometheus:BaseUrl</c>), run at once; one timeline line per check, checks first.
/// </summary>
public sealed class IncidentDiagnostics(
    IOptionsMonitor<IncidentDiagnosticsOptions> options, IHttpHealthCheck healthChecks, IPrometheusQueryClient prometheus)
{
    /// <summary>Runs the checks and returns one line per result for the timeline; a failed check is a line, not an exception.</summary>
    public async Task<IReadOnlyList<string>> RunAsync(DiagnosticsRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!options.CurrentValue.Services.TryGetValue(request.Service, out var service)
            || (service.HealthChecks.Count == 0 && service.Queries.Count == 0))
        {
            return [$"no diagnostics configured for service '{request.Service}' (Incidents:Diagnostics:{request.Service})"];
        }

        var checks = service.HealthChecks.Select(async check =>
        {
            var result = await healthChecks.CheckAsync(
                new HealthCheckRequest(new Uri(check.Url!))
                {
                    ExpectedStatus = check.ExpectedStatus ?? HealthCheckRequest.DefaultExpectedStatus,
                    Timeout = check.Timeout ?? HealthCheckRequest.DefaultTimeout,
                },
                cancellationToken);
            return $"health check {result.Describe()}";
        });
        var queries = service.Queries.Select(async query => $"query {(await prometheus.QueryAsync(query, cancellationToken)).Describe()}");
        return await Task.WhenAll(checks.Concat(queries));
    }
}

/// <summary><c>Incidents:Diagnostics</c>: the diagnostics runbook of each service, by service name (case-insensitive).</summary>
public sealed class IncidentDiagnosticsOptions
{
    public const string Section = "Incidents:Diagnostics";

    public Dictionary<string, ServiceDiagnosticsOptions> Services { get; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary><c>Incidents:Diagnostics:{service}</c>.</summary>
public sealed class ServiceDiagnosticsOptions
{
    public List<HealthCheckOptions> HealthChecks { get; } = [];

    /// <summary>Gets the PromQL instant queries.</summary>
    public List<string> Queries { get; } = [];
}

/// <summary><c>Incidents:Diagnostics:{service}:HealthChecks:{index}</c>.</summary>
public sealed class HealthCheckOptions
{
    public string? Url { get; set; }

    /// <summary>Gets or sets the status that counts as healthy.</summary>
    /// <value>200 unless set.</value>
    public int? ExpectedStatus { get; set; }

    /// <summary>Gets or sets how long the check waits.</summary>
    /// <value>5 s unless set.</value>
    public TimeSpan? Timeout { get; set; }
}

/// <summary>Stops start-up on a diagnostics setting that cannot run, naming its key.</summary>
public sealed class IncidentDiagnosticsOptionsValidator : IValidateOptions<IncidentDiagnosticsOptions>
{
    public ValidateOptionsResult Validate(string? name, IncidentDiagnosticsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        foreach (var (service, diagnostics) in options.Services)
        {
            var key = $"{IncidentDiagnosticsOptions.Section}:{service}";
            for (var i = 0; i < diagnostics.HealthChecks.Count; i++)
            {
                var check = diagnostics.HealthChecks[i];
                if (!Uri.TryCreate(check.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
                {
                    failures.Add($"{key}:HealthChecks:{i}:Url must be an absolute http(s) URL");
                }

                if (check.ExpectedStatus is < 100 or > 599)
                {
                    failures.Add($"{key}:HealthChecks:{i}:ExpectedStatus must be an HTTP status (100 to 599)");
                }

                if (check.Timeout is { } timeout && timeout <= TimeSpan.Zero)
                {
                    failures.Add($"{key}:HealthChecks:{i}:Timeout must be positive");
                }
            }

            for (var i = 0; i < diagnostics.Queries.Count; i++)
            {
                if (string.IsNullOrWhiteSpace(diagnostics.Queries[i]))
                {
                    failures.Add($"{key}:Queries:{i} must not be empty");
                }
            }
        }

        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }
}

/// <summary>Binds <see cref="IncidentDiagnosticsOptions"/>, validated at start-up.</summary>
internal static class IncidentDiagnosticsRegistration
{
    public static IServiceCollection AddIncidentDiagnostics(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<IncidentDiagnosticsOptions>()
            .Configure(options => configuration.GetSection(IncidentDiagnosticsOptions.Section).Bind(options.Services))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<IncidentDiagnosticsOptions>, IncidentDiagnosticsOptionsValidator>();
        services.AddSingleton<IncidentDiagnostics>();
        return services;
    }
}
