using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpsFunctions.Operations.Durability;
using OpsFunctions.Operations.Http;
using OpsFunctions.Operations.Triggers;

namespace OpsFunctions.FunctionApp.Triggers;

/// <summary>
/// The generic triggers on Azure Functions, over the handlers the ASP.NET Core host maps: the GitHub webhook
/// (anonymous at the platform, verified by its HMAC signature) and the deployment webhook (function key).
/// </summary>
public static class WebhookFunctions
{
    [Function("GitHubWebhook")]
    public static async Task<IResult> GitHub(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "github")] HttpRequest request,
        [DurableClient] DurableTaskClient client)
        => await WebhookEndpoints.GitHubAsync(request, Services(request, client), request.HttpContext.RequestAborted);

    [Function("JsonTrigger")]
    public static async Task<IResult> Trigger(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "trigger")] HttpRequest request,
        [DurableClient] DurableTaskClient client)
        => await WebhookEndpoints.TriggerAsync(request, Services(request, client), request.HttpContext.RequestAborted);

    // The isolated worker has no DurableTaskClient service: the binding gives it, so the starter is made per call.
    private static WebhookServices Services(HttpRequest request, DurableTaskClient client)
    {
        var services = request.HttpContext.RequestServices;
        var limits = services.GetRequiredService<IOptions<WebhookLimits>>();
        var starter = new WebhookStarter(
            client,
            new OnceGate(client, services.GetRequiredService<TimeProvider>()),
            limits,
            services.GetRequiredService<ILogger<WebhookStarter>>());
        return new WebhookServices(starter, limits, services.GetRequiredService<IOptions<GitHubOptions>>(), services.GetRequiredService<IOptions<JsonTriggerOptions>>());
    }
}
