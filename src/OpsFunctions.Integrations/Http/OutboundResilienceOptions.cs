using System.ComponentModel.DataAnnotations;

namespace OpsFunctions.Integrations.Http;

/// <summary>
/// Retry, timeout and circuit-breaker settings for outbound calls: <c>Notifications:Resilience</c> for the channels
/// (SMTP included), <c>Diagnostics:Resilience</c> for Prometheus queries, <c>Traffic:Resilience</c> for the HTTP
/// traffic provider's webhook. Retries use exponential backoff with jitter
/// on 5xx, 408, 429, timeouts and network errors; the circuit is kept per host.
/// </summary>
public sealed class OutboundResilienceOptions
{
    public const string Notifications = "Notifications";
    public const string Diagnostics = "Diagnostics";
    public const string Traffic = "Traffic";

    public const int DefaultMaxRetryAttempts = 3;
    public const double DefaultCircuitBreakerFailureRatio = 0.5;
    public const int DefaultCircuitBreakerMinimumThroughput = 5;
    public static readonly TimeSpan DefaultRetryDelay = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan DefaultMaxRetryDelay = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan DefaultAttemptTimeout = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan DefaultTotalTimeout = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan DefaultCircuitBreakerSamplingDuration = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan DefaultCircuitBreakerBreakDuration = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the retries after the first attempt; 0 turns retries off.</summary>
    /// <value>3.</value>
    [Range(0, 20, ErrorMessage = OptionsValidation.Between)]
    public int MaxRetryAttempts { get; set; } = DefaultMaxRetryAttempts;

    /// <summary>Gets or sets the first retry's base delay, doubled on each retry, with jitter.</summary>
    /// <value>2 s.</value>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00", ErrorMessage = OptionsValidation.Between)]
    public TimeSpan RetryDelay { get; set; } = DefaultRetryDelay;

    /// <summary>Gets or sets the longest delay between two attempts.</summary>
    /// <value>30 s.</value>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00", ErrorMessage = OptionsValidation.Between)]
    public TimeSpan MaxRetryDelay { get; set; } = DefaultMaxRetryDelay;

    /// <summary>Gets or sets how long one attempt may take.</summary>
    /// <value>10 s.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00", ErrorMessage = OptionsValidation.Between)]
    public TimeSpan AttemptTimeout { get; set; } = DefaultAttemptTimeout;

    /// <summary>Gets or sets how long a send may take, retries and their delays included.</summary>
    /// <value>60 s.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00", ErrorMessage = OptionsValidation.Between)]
    public TimeSpan TotalTimeout { get; set; } = DefaultTotalTimeout;

    /// <summary>Gets or sets the share of failed attempts within the sampling duration that opens the circuit.</summary>
    /// <value>0.5.</value>
    [Range(0.01, 1.0, ErrorMessage = OptionsValidation.Between)]
    public double CircuitBreakerFailureRatio { get; set; } = DefaultCircuitBreakerFailureRatio;

    /// <summary>Gets or sets how many attempts the sampling duration must hold before the circuit can open.</summary>
    /// <value>5.</value>
    [Range(2, 10_000, ErrorMessage = OptionsValidation.Between)]
    public int CircuitBreakerMinimumThroughput { get; set; } = DefaultCircuitBreakerMinimumThroughput;

    /// <summary>Gets or sets the window over which failures are counted.</summary>
    /// <value>60 s.</value>
    [Range(typeof(TimeSpan), "00:00:00.500", "1.00:00:00", ErrorMessage = OptionsValidation.Between)]
    public TimeSpan CircuitBreakerSamplingDuration { get; set; } = DefaultCircuitBreakerSamplingDuration;

    /// <summary>Gets or sets how long an open circuit refuses calls before it lets one through to test the host.</summary>
    /// <value>30 s.</value>
    [Range(typeof(TimeSpan), "00:00:00.500", "1.00:00:00", ErrorMessage = OptionsValidation.Between)]
    public TimeSpan CircuitBreakerBreakDuration { get; set; } = DefaultCircuitBreakerBreakDuration;
}

/// <summary>The ranges and cross-field rules of <see cref="OutboundResilienceOptions"/>, named by section.</summary>
internal sealed class OutboundResilienceOptionsValidator : IValidateOptions<OutboundResilienceOptions>
{
    public ValidateOptionsResult Validate(string? name, OutboundResilienceOptions options)
    {
        var section = $"{name}:Resilience";
        var failures = new List<string>();
        OptionsValidation.Annotations(failures, section, options);
        if (options.AttemptTimeout > options.TotalTimeout)
        {
            failures.Add($"{section}:AttemptTimeout ({options.AttemptTimeout}) must not exceed {section}:TotalTimeout ({options.TotalTimeout}).");
        }

        if (options.RetryDelay > options.MaxRetryDelay)
        {
            failures.Add($"{section}:RetryDelay ({options.RetryDelay}) must not exceed {section}:MaxRetryDelay ({options.MaxRetryDelay}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
