using System.ComponentModel.DataAnnotations;

namespace OpsFunctions.Operations.Http;

/// <summary>Limits every trigger shares; section <c>Webhooks</c>.</summary>
public sealed class WebhookLimits
{
    public const string Section = "Webhooks";
    public const long DefaultMaxBodyBytes = 1024 * 1024;

    /// <summary>Gets or sets the largest body a trigger takes.</summary>
    /// <value>1 MiB unless set.</value>
    [Range(1, 64L * 1024 * 1024)]
    public long MaxBodyBytes { get; set; } = DefaultMaxBodyBytes;

    /// <summary>Gets or sets how long a delivery id is remembered, so a redelivery starts nothing.</summary>
    /// <value>24 hours unless set.</value>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan IdempotencyWindow { get; set; } = TimeSpan.FromHours(24);
}
