namespace OpsFunctions.Integrations.Diagnostics;

/// <summary><c>Diagnostics:Prometheus</c>: the server queried when a call names none (<c>BaseUrl</c>).</summary>
public sealed class PrometheusOptions
{
    public const string Section = "Diagnostics:Prometheus";

    /// <summary>Gets or sets the Prometheus server, such as http://prometheus:9090; none by default.</summary>
    public string? BaseUrl { get; set; }
}

internal sealed class PrometheusOptionsValidator : IValidateOptions<PrometheusOptions>
{
    public ValidateOptionsResult Validate(string? name, PrometheusOptions options)
    {
        var failures = new List<string>();
        OptionsValidation.Annotations(failures, PrometheusOptions.Section, options);
        if (options.BaseUrl is not null)
        {
            OptionsValidation.RequireHttpUrl(failures, $"{PrometheusOptions.Section}:BaseUrl", options.BaseUrl);
        }

        return OptionsValidation.Result(failures);
    }
}
