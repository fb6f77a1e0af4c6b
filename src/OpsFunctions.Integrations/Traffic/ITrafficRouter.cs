using System.Text.Json.Serialization;

namespace OpsFunctions.Integrations.Traffic;

/// <summary>What carries a service's traffic.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TrafficProviderKind>))]
public enum TrafficProviderKind
{
    /// <summary>An nginx upstream: a file of <c>server</c> lines the provider writes, then <c>nginx -s reload</c>.</summary>
    Nginx,

    /// <summary>A webhook that sets the weights: the provider posts the backends as JSON.</summary>
    Http,
}

/// <summary>Where a service's traffic is split: the provider and what it needs to find the service.</summary>
public sealed record TrafficTarget
{
    public TrafficProviderKind Provider { get; init; }

    /// <summary>Gets the upstream (nginx) or the service name the webhook is told.</summary>
    public required string Upstream { get; init; }

    /// <summary>Gets the file that holds the upstream block, included by nginx's configuration (nginx).</summary>
    public string? ConfigFile { get; init; }

    /// <summary>Gets the URL the weights are posted to (HTTP).</summary>
    public string? WebhookUrl { get; init; }
}

/// <summary>One backend of a service and its share of the traffic.</summary>
/// <param name="Address">The server, <c>host:port</c>.</param>
/// <param name="Weight">Its share in percent, 0 to 100; 0 sends it nothing at all.</param>
/// <param name="Drained">Whether it takes no new requests whatever its weight (a rolling update's instance being updated).</param>
public sealed record TrafficBackend(string Address, int Weight, bool Drained = false);

/// <summary>How a change of weights went.</summary>
/// <param name="Success">Whether the provider applied it.</param>
/// <param name="Detail">What was done, for the timeline (the upstream written, the status the webhook answered).</param>
/// <param name="Error">Why not, when it failed.</param>
public sealed record TrafficChange(bool Success, string Detail, string? Error = null);

/// <summary>Sets the weights of a service's backends through its provider.</summary>
public interface ITrafficRouter
{
    /// <summary>Applies <paramref name="backends"/> to <paramref name="target"/>; a failure is a result, only cancellation throws.</summary>
    Task<TrafficChange> ApplyAsync(TrafficTarget target, IReadOnlyList<TrafficBackend> backends, CancellationToken cancellationToken);
}
