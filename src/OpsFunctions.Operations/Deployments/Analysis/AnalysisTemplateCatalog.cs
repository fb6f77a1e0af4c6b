using Microsoft.Extensions.Options;

namespace OpsFunctions.Operations.Deployments.Analysis;

/// <summary>Resolves a template name: the configured template first (over the built-in of that name), then the built-in.</summary>
public sealed class AnalysisTemplateCatalog(IOptionsMonitor<DeploymentAnalysisOptions> options)
{
    /// <summary>Gets the template named <paramref name="name"/> (case-insensitive) with every default applied; null when unknown.</summary>
    public AnalysisTemplate? Find(string name) => Find(options.CurrentValue, name);

    /// <summary>Gets the names of every template, built-in and configured, in ordinal order.</summary>
    public IReadOnlyList<string> Names => NamesOf(options.CurrentValue);

    /// <inheritdoc cref="Find(string)"/>
    public static AnalysisTemplate? Find(DeploymentAnalysisOptions options, string name)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(name);
        var builtIns = BuiltInAnalysisTemplates.Create(options.Metrics);
        builtIns.TryGetValue(name, out var builtIn);
        if (options.AnalysisTemplates.TryGetValue(name, out var configured) && configured is not null)
        {
            var configuredName = options.AnalysisTemplates.Keys.First(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase));
            return Resolve(builtIn?.Name ?? configuredName, configured, builtIn, options.Metrics);
        }

        return builtIn;
    }

    /// <inheritdoc cref="Names"/>
    public static IReadOnlyList<string> NamesOf(DeploymentAnalysisOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return [.. BuiltInAnalysisTemplates.Names.Union(options.AnalysisTemplates.Keys, StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal)];
    }

    /// <summary>
    /// Applies <paramref name="configured"/> over <paramref name="builtIn"/> (when the name is a built-in's) and the defaults.
    /// </summary>
    /// <exception cref="InvalidOperationException">No query, neither configured nor built in (the validator reports this at start-up).</exception>
    public static AnalysisTemplate Resolve(string name, AnalysisTemplateOptions configured, AnalysisTemplate? builtIn, DeploymentMetricsOptions metrics)
    {
        ArgumentNullException.ThrowIfNull(configured);
        ArgumentNullException.ThrowIfNull(metrics);
        var replacesConditions = !string.IsNullOrWhiteSpace(configured.SuccessCondition) || !string.IsNullOrWhiteSpace(configured.FailureCondition);
        var interval = configured.Interval ?? builtIn?.Interval ?? AnalysisConstants.DefaultInterval;
        return new AnalysisTemplate
        {
            Name = name,
            Query = NonBlank(configured.Query) ?? builtIn?.Query
                ?? throw new InvalidOperationException($"{AnalysisConstants.SectionName}:AnalysisTemplates:{name}:Query is required"),
            SuccessCondition = replacesConditions ? NonBlank(configured.SuccessCondition) : builtIn?.SuccessCondition,
            FailureCondition = replacesConditions ? NonBlank(configured.FailureCondition) : builtIn?.FailureCondition,
            Interval = interval,
            Count = configured.Count ?? builtIn?.Count ?? AnalysisConstants.DefaultCount,
            FailureLimit = configured.FailureLimit ?? builtIn?.FailureLimit ?? 0,
            InconclusiveLimit = configured.InconclusiveLimit ?? builtIn?.InconclusiveLimit ?? 0,
            ConsecutiveErrorLimit = configured.ConsecutiveErrorLimit ?? builtIn?.ConsecutiveErrorLimit ?? AnalysisConstants.DefaultConsecutiveErrorLimit,
            Window = NonBlank(configured.Window) ?? AnalysisConstants.DefaultWindow(interval),
            CompareWithBaseline = configured.CompareWithBaseline ?? builtIn?.CompareWithBaseline ?? false,
            MinRequests = configured.MinRequests ?? builtIn?.MinRequests,
            RequestsQuery = NonBlank(configured.RequestsQuery) ?? builtIn?.RequestsQuery ?? AnalysisConstants.DefaultRequestsQuery(metrics.RequestsMetric),
        };

        static string? NonBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
    }
}
