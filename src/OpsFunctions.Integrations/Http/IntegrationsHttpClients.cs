namespace OpsFunctions.Integrations.Http;

/// <summary>The names of the <see cref="IHttpClientFactory"/> clients this library registers.</summary>
public static class IntegrationsHttpClients
{
    public const string Slack = "OpsFunctions.Slack";
    public const string Teams = "OpsFunctions.Teams";
    public const string PagerDuty = "OpsFunctions.PagerDuty";
    public const string Webhook = "OpsFunctions.Webhook";
    public const string Prometheus = "OpsFunctions.Prometheus";
    public const string HealthCheck = "OpsFunctions.HealthCheck";
    public const string Traffic = "OpsFunctions.Traffic";
    public const string Hooks = "OpsFunctions.Hooks";
}
