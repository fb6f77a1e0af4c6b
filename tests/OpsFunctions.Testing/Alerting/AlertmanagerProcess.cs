using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace OpsFunctions.Testing.Alerting;

/// <summary>
/// A real Prometheus Alertmanager on a free loopback port, started through <c>scripts/alertmanager.sh</c> (which installs
/// it when missing), whose one webhook receiver posts to a host under test with <c>send_resolved: true</c> and short
/// group intervals.
/// </summary>
public sealed class AlertmanagerProcess : IAsyncDisposable
{
    private readonly string _configDirectory;
    private readonly HttpClient _http;

    private AlertmanagerProcess(int port, string configDirectory)
    {
        Port = port;
        _configDirectory = configDirectory;
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
    }

    /// <summary>Gets the port Alertmanager listens on.</summary>
    public int Port { get; }

    /// <summary>The name of the one receiver, which every webhook carries as <c>receiver</c>.</summary>
    public const string ReceiverName = "ops";

    /// <summary>Starts Alertmanager posting to <paramref name="webhookUrl"/>.</summary>
    /// <param name="webhookUrl">The receiver's URL, with its key in the query when the host needs one.</param>
    /// <param name="bearerToken">A token sent as <c>Authorization: Bearer</c>, or none.</param>
    /// <param name="groupWait">How long Alertmanager waits before the first notification of a group.</param>
    /// <param name="groupInterval">How long it waits before notifying a group's changes.</param>
    /// <returns>The running Alertmanager.</returns>
    public static async Task<AlertmanagerProcess> StartAsync(
        Uri webhookUrl, string? bearerToken = null, TimeSpan? groupWait = null, TimeSpan? groupInterval = null)
    {
        ArgumentNullException.ThrowIfNull(webhookUrl);
        var port = LoopbackPort.Free();
        var directory = Directory.CreateTempSubdirectory("opsfunctions-alertmanager-config-").FullName;
        var config = Path.Combine(directory, "alertmanager.yml");
        var authorization = bearerToken is null ? string.Empty : $"""

                    http_config:
                      authorization:
                        type: Bearer
                        credentials: '{bearerToken}'
            """;
        await File.WriteAllTextAsync(config, $"""
            route:
              receiver: {ReceiverName}
              group_by: ['alertname', 'service']
              group_wait: {Seconds(groupWait ?? TimeSpan.FromSeconds(1))}
              group_interval: {Seconds(groupInterval ?? TimeSpan.FromSeconds(2))}
              repeat_interval: 1h
            receivers:
              - name: {ReceiverName}
                webhook_configs:
                  - url: '{webhookUrl}'
                    send_resolved: true{authorization}
            """);
        await ProjectScripts.RunAsync("alertmanager.sh", "start", config, port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return new AlertmanagerProcess(port, directory);
    }

    /// <summary>Posts alerts to Alertmanager's <c>/api/v2/alerts</c>, as Prometheus does.</summary>
    /// <param name="alerts">The alerts: labels, annotations, and <c>startsAt</c>/<c>endsAt</c> when wanted.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public async Task PostAlertsAsync(JsonArray alerts, CancellationToken cancellationToken = default)
    {
        using var response = await _http.PostAsJsonAsync("api/v2/alerts", alerts, cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Builds one alert for <see cref="PostAlertsAsync"/>.</summary>
    public static JsonObject Alert(IReadOnlyDictionary<string, string> labels, IReadOnlyDictionary<string, string>? annotations = null, DateTimeOffset? endsAt = null)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var alert = new JsonObject
        {
            ["labels"] = new JsonObject(labels.Select(l => KeyValuePair.Create(l.Key, (JsonNode?)JsonValue.Create(l.Value)))),
            ["annotations"] = new JsonObject((annotations ?? new Dictionary<string, string>()).Select(a => KeyValuePair.Create(a.Key, (JsonNode?)JsonValue.Create(a.Value)))),
            ["generatorURL"] = "http://prometheus.test/graph",
        };
        if (endsAt is { } end)
        {
            alert["endsAt"] = end.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        }

        return alert;
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await ProjectScripts.RunAsync("alertmanager.sh", "stop", Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Directory.Delete(_configDirectory, recursive: true);
    }

    private static string Seconds(TimeSpan value) => $"{Math.Max(1, (int)value.TotalSeconds)}s";
}
