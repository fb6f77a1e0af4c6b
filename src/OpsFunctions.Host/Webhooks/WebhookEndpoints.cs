using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using OpsFunctions.Durable.Client;
using OpsFunctions.Host.Durability;
using OpsFunctions.Host.Incidents;
using OpsFunctions.Operations.Incidents;
using OpsFunctions.Host.Hosting;
using OpsFunctions.Host.Security;

namespace OpsFunctions.Host.Webhooks;

/// <summary>The dependencies of the webhook handlers.</summary>
public sealed record WebhookServices(
    WebhookStarter Starter,
    IOptions<WebhookLimits> Limits,
    IOptions<GitHubOptions> GitHub,
    IOptions<AlertmanagerOptions> Alertmanager,
    IOptions<DeploymentOptions> Deployments);

/// <summary>
/// The triggers under <c>/api/</c>. Each one checks who sent it, checks the body (size 413, type 415, JSON and
/// required fields 400), and starts an orchestration once per delivery id, answering 202.
/// </summary>
public static class WebhookEndpoints
{
    public const string SignatureHeader = "X-Hub-Signature-256";
    public const string GitHubEventHeader = "X-GitHub-Event";
    public const string GitHubDeliveryHeader = "X-GitHub-Delivery";

    public static IServiceCollection AddWebhooks(this IServiceCollection services)
    {
        services.AddOptions<WebhookLimits>().BindConfiguration(WebhookLimits.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<GitHubOptions>().BindConfiguration(GitHubOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<AlertmanagerOptions>().BindConfiguration(AlertmanagerOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<DeploymentOptions>().BindConfiguration(DeploymentOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        AddRegisteredOrchestratorCheck<GitHubOptions>(services, GitHubOptions.Section, o => o.Orchestrator);
        AddRegisteredOrchestratorCheck<AlertmanagerOptions>(services, AlertmanagerOptions.Section, o => o.Orchestrator);
        AddRegisteredOrchestratorCheck<DeploymentOptions>(services, DeploymentOptions.Section, o => o.Orchestrator);
        services.AddSingleton<OnceGate>();
        services.AddSingleton<WebhookStarter>();
        return services;
    }

    private static void AddRegisteredOrchestratorCheck<TOptions>(IServiceCollection services, string section, Func<TOptions, string> orchestrator)
        where TOptions : class
        => services.AddSingleton<IValidateOptions<TOptions>>(sp => new RegisteredOrchestratorValidator<TOptions>(
            sp.GetRequiredService<DurableTaskRegistry>(), section, orchestrator));

    public static IEndpointRouteBuilder MapWebhookEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/alerts/alertmanager", AlertmanagerAsync);
        app.MapPost("/api/github", GitHubAsync);
        app.MapPost("/api/deployments", DeploymentAsync).RequireKey(KeyScope.Function);
        return app;
    }

    public static async Task<Results<Accepted<WebhookAccepted>, Ok<WebhookAccepted>, Accepted<IncidentAccepted>, Ok<IncidentAccepted>, ProblemHttpResult>> AlertmanagerAsync(
        HttpRequest request, [AsParameters] WebhookServices services, DurableTaskClient client, CancellationToken cancellationToken)
    {
        // Alertmanager's http_config sends "Authorization: Bearer <token>"; a function key works as well.
        var token = services.Alertmanager.Value.BearerToken;
        var authorization = request.Headers.Authorization.ToString();
        var bearer = authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization["Bearer ".Length..].Trim() : null;
        if (bearer is not null && !string.IsNullOrEmpty(token))
        {
            if (!HostKeys.Matches(bearer, token))
            {
                return Problems.Unauthorized("The bearer token is not the one configured in Alertmanager:BearerToken.");
            }
        }
        else if (KeyAuthorization.Check(request.HttpContext, KeyScope.Function) is ProblemHttpResult unauthorized)
        {
            return unauthorized;
        }

        var options = services.Alertmanager.Value;
        if (options.Orchestrator == nameof(IncidentOrchestrator))
        {
            // Incident response: one incident per group, later deliveries become updates of it.
            return await IncidentEndpoints.DeliverAlertsAsync(request, client, options.MaxBodyBytes, cancellationToken) switch
            {
                { Result: Accepted<IncidentAccepted> accepted } => accepted,
                { Result: Ok<IncidentAccepted> ok } => ok,
                { Result: ProblemHttpResult problem } => problem,
                var other => throw new InvalidOperationException($"Unexpected result {other.Result.GetType().Name}."),
            };
        }

        return await StartFromJsonAsync(
            request, services, "alertmanager", options.Orchestrator, ["version", "groupKey", "status", "receiver", "alerts"], cancellationToken) switch
        {
            { Result: Accepted<WebhookAccepted> accepted } => accepted,
            { Result: Ok<WebhookAccepted> ok } => ok,
            { Result: ProblemHttpResult problem } => problem,
            var other => throw new InvalidOperationException($"Unexpected result {other.Result.GetType().Name}."),
        };
    }

    public static Task<Results<Accepted<WebhookAccepted>, Ok<WebhookAccepted>, ProblemHttpResult>> DeploymentAsync(
        HttpRequest request, [AsParameters] WebhookServices services, CancellationToken cancellationToken)
        => StartFromJsonAsync(request, services, "deployments", services.Deployments.Value.Orchestrator, ["service", "version"], cancellationToken);

    public static async Task<Results<Accepted<WebhookAccepted>, Ok<WebhookAccepted>, ProblemHttpResult>> GitHubAsync(
        HttpRequest request, [AsParameters] WebhookServices services, CancellationToken cancellationToken)
    {
        var secret = services.GitHub.Value.WebhookSecret;
        if (string.IsNullOrEmpty(secret))
        {
            return Problems.Status(StatusCodes.Status503ServiceUnavailable, "Not configured", "GitHub webhooks need GitHub:WebhookSecret to be set.");
        }

        var limit = services.Limits.Value.MaxBodyBytes;
        var raw = await JsonBody.ReadRawAsync(request, limit, cancellationToken);
        if (raw is null)
        {
            return Problems.TooLarge($"The body is larger than the {limit} bytes this route takes.");
        }

        var signature = request.Headers[SignatureHeader].ToString();
        if (signature.Length == 0)
        {
            return Problems.Unauthorized($"The '{SignatureHeader}' header is missing; GitHub deliveries are signed with the webhook secret.");
        }

        if (!SignatureMatches(signature, raw, secret))
        {
            return Problems.Status(StatusCodes.Status403Forbidden, "Forbidden", $"The '{SignatureHeader}' signature does not match the body.");
        }

        var body = JsonBody.Parse(request, raw, allowEmpty: false);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        var gitHubEvent = request.Headers[GitHubEventHeader].ToString();
        var delivery = request.Headers[GitHubDeliveryHeader].ToString();
        var missing = new Dictionary<string, string>();
        if (gitHubEvent.Length == 0)
        {
            missing[GitHubEventHeader] = $"The header '{GitHubEventHeader}' is required.";
        }

        if (delivery.Length == 0)
        {
            missing[GitHubDeliveryHeader] = $"The header '{GitHubDeliveryHeader}' is required.";
        }

        if (gitHubEvent != "ping")
        {
            foreach (var field in JsonBody.MissingFields(body.Json, "repository.full_name"))
            {
                missing[field.Key] = field.Value;
            }
        }

        if (missing.Count > 0)
        {
            return Problems.Invalid(missing);
        }

        if (WebhookStarter.ValidateDeliveryId(delivery, GitHubDeliveryHeader) is { } badDelivery)
        {
            return badDelivery;
        }

        if (gitHubEvent == "ping")
        {
            return TypedResults.Ok(new WebhookAccepted(string.Empty, Duplicate: false));
        }

        var input = new System.Text.Json.Nodes.JsonObject { ["event"] = gitHubEvent, ["delivery"] = delivery, ["payload"] = body.Json };
        return await services.Starter.StartAsync("github", services.GitHub.Value.Orchestrator, input, delivery, cancellationToken);
    }

    /// <summary>Compares <c>sha256=&lt;hex&gt;</c> with the HMAC of the raw body in constant time.</summary>
    public static bool SignatureMatches(string header, byte[] body, string secret)
    {
        const string Prefix = "sha256=";
        if (!header.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        byte[] presented;
        try
        {
            presented = Convert.FromHexString(header.AsSpan(Prefix.Length));
        }
        catch (FormatException)
        {
            return false;
        }

        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body);
        return CryptographicOperations.FixedTimeEquals(presented, expected);
    }

    private static async Task<Results<Accepted<WebhookAccepted>, Ok<WebhookAccepted>, ProblemHttpResult>> StartFromJsonAsync(
        HttpRequest request, WebhookServices services, string route, string orchestrator, string[] requiredFields, CancellationToken cancellationToken)
    {
        var idempotencyKey = request.Headers[WebhookStarter.IdempotencyHeader].Count > 0 ? request.Headers[WebhookStarter.IdempotencyHeader].ToString() : null;
        if (WebhookStarter.ValidateDeliveryId(idempotencyKey, WebhookStarter.IdempotencyHeader) is { } badKey)
        {
            return badKey;
        }

        var body = await JsonBody.ReadAsync(request, services.Limits.Value.MaxBodyBytes, allowEmpty: false, cancellationToken);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        var missing = JsonBody.MissingFields(body.Json, requiredFields);
        if (missing.Count > 0)
        {
            return Problems.Invalid(missing);
        }

        return await services.Starter.StartAsync(route, orchestrator, body.Json, idempotencyKey, cancellationToken);
    }
}
