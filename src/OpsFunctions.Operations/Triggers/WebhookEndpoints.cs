using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.DurableTask;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpsFunctions.Operations.Http;

namespace OpsFunctions.Operations.Triggers;

/// <summary>The dependencies of the webhook handlers.</summary>
public sealed record WebhookServices(
    WebhookStarter Starter,
    IOptions<WebhookLimits> Limits,
    IOptions<GitHubOptions> GitHub,
    IOptions<JsonTriggerOptions> Trigger);

/// <summary>
/// The generic triggers under <c>/api/</c> (GitHub, deployments); the features map their own. Each one checks who sent it, checks the body (size 413, type 415, JSON and
/// required fields 400), and starts an orchestration once per delivery id, answering 202.
/// </summary>
public static class WebhookEndpoints
{
    public const string SignatureHeader = "X-Hub-Signature-256";
    public const string GitHubEventHeader = "X-GitHub-Event";
    public const string GitHubDeliveryHeader = "X-GitHub-Delivery";

    /// <summary>
    /// Binds <c>GitHub</c> and <c>Trigger</c>, checking at start-up that the orchestrator each names is in the
    /// <see cref="DurableTaskRegistry"/> the host registers.
    /// </summary>
    public static IServiceCollection AddWebhooks(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOpsIngress(configuration);
        services.AddOptions<GitHubOptions>().Bind(configuration.GetSection(GitHubOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<JsonTriggerOptions>().Bind(configuration.GetSection(JsonTriggerOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        AddRegisteredOrchestratorCheck<GitHubOptions>(services, GitHubOptions.Section, o => o.Orchestrator);
        AddRegisteredOrchestratorCheck<JsonTriggerOptions>(services, JsonTriggerOptions.Section, o => o.Orchestrator);
        services.AddSingleton<WebhookStarter>();
        return services;
    }

    private static void AddRegisteredOrchestratorCheck<TOptions>(IServiceCollection services, string section, Func<TOptions, string> orchestrator)
        where TOptions : class
        => services.AddSingleton<IValidateOptions<TOptions>>(sp => new RegisteredOrchestratorValidator<TOptions>(
            sp.GetRequiredService<DurableTaskRegistry>(), section, orchestrator));

    public static IEndpointRouteBuilder MapWebhookEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/github", GitHubAsync);
        app.MapPost("/api/trigger", TriggerAsync)
            .AddEndpointFilter(async (context, next) =>
                context.HttpContext.RequestServices.GetRequiredService<IKeyCheck>().CheckFunctionKey(context.HttpContext) ?? await next(context));
        return app;
    }

    /// <summary>The custom trigger: a JSON object starts <c>Trigger:Orchestrator</c> with it as input.</summary>
    public static Task<Results<Accepted<WebhookAccepted>, Ok<WebhookAccepted>, ProblemHttpResult>> TriggerAsync(
        HttpRequest request, [AsParameters] WebhookServices services, CancellationToken cancellationToken)
        => StartFromJsonAsync(request, services, "trigger", services.Trigger.Value.Orchestrator, cancellationToken);

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

        if (DeliveryIds.Validate(delivery, GitHubDeliveryHeader) is { } badDelivery)
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
        HttpRequest request, WebhookServices services, string route, string orchestrator, CancellationToken cancellationToken)
    {
        var idempotencyKey = request.Headers[DeliveryIds.IdempotencyHeader].Count > 0 ? request.Headers[DeliveryIds.IdempotencyHeader].ToString() : null;
        if (DeliveryIds.Validate(idempotencyKey, DeliveryIds.IdempotencyHeader) is { } badKey)
        {
            return badKey;
        }

        var body = await JsonBody.ReadAsync(request, services.Limits.Value.MaxBodyBytes, allowEmpty: false, cancellationToken);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        if (body.Json is not System.Text.Json.Nodes.JsonObject)
        {
            return Problems.Invalid("body", "The body must be a JSON object: it is the orchestration's input.");
        }

        return await services.Starter.StartAsync(route, orchestrator, body.Json, idempotencyKey, cancellationToken);
    }
}
