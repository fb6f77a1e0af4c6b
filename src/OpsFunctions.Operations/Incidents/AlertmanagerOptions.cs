using System.ComponentModel.DataAnnotations;

namespace OpsFunctions.Operations.Incidents;

/// <summary>The Alertmanager webhook; section <c>Alertmanager</c>.</summary>
public sealed class AlertmanagerOptions
{
    public const string Section = "Alertmanager";

    /// <summary>The default of <see cref="MaxBodyBytes"/>: a group of thousands of alerts fits.</summary>
    public const long DefaultMaxBodyBytes = 16L * 1024 * 1024;

    /// <summary>Gets or sets the bearer token Alertmanager's <c>http_config</c> sends; a function key works too.</summary>
    public string? BearerToken { get; set; }

    /// <summary>Gets or sets the largest delivery the route takes; a large alert group is larger than other webhooks.</summary>
    /// <value>16 MiB unless set.</value>
    [Range(1, 256L * 1024 * 1024)]
    public long MaxBodyBytes { get; set; } = DefaultMaxBodyBytes;
}
