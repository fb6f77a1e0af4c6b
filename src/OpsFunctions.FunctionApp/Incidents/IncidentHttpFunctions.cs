using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpsFunctions.FunctionApp.Hosting;
using OpsFunctions.Operations.Durability;
using OpsFunctions.Operations.Http;
using OpsFunctions.Operations.Incidents;

namespace OpsFunctions.FunctionApp.Incidents;

/// <summary>
/// Incident response over HTTP on Azure Functions: the same handlers the ASP.NET Core host maps. Function keys are the
/// platform's (authorization level Function); the Alertmanager webhook is anonymous at the platform and takes
/// Alertmanager's bearer token, which the handler checks.
/// </summary>
public static class IncidentHttpFunctions
{
    [Function("AlertmanagerWebhook")]
    public static Task<IResult> Alertmanager(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "alerts/alertmanager")] HttpRequest request,
        [DurableClient] DurableTaskClient client)
        => IncidentEndpoints.AlertmanagerAsync(
            request, Service<IOptions<AlertmanagerOptions>>(request).Value, PlatformKeys.BearerOnly, client, request.HttpContext.RequestAborted);

    [Function("OpenIncident")]
    public static async Task<IResult> Open(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "incidents")] HttpRequest request,
        [DurableClient] DurableTaskClient client)
        => await IncidentEndpoints.OpenAsync(request, Services(request, client), request.HttpContext.RequestAborted);

    [Function("ListIncidents")]
    public static async Task<IResult> List(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "incidents")] HttpRequest request)
        => await IncidentEndpoints.ListAsync(request, Service<IIncidentStore>(request), request.HttpContext.RequestAborted);

    [Function("GetIncident")]
    public static async Task<IResult> Get(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "incidents/{id}")] HttpRequest request, string id)
        => await IncidentEndpoints.GetAsync(id, Service<IIncidentStore>(request), request.HttpContext.RequestAborted);

    [Function("AcknowledgeIncident")]
    public static async Task<IResult> Acknowledge(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "incidents/{id}/ack")] HttpRequest request,
        string id,
        [DurableClient] DurableTaskClient client)
        => await IncidentEndpoints.ActAsync(id, IncidentEvents.Acknowledged, request, Services(request, client), request.HttpContext.RequestAborted);

    [Function("ResolveIncident")]
    public static async Task<IResult> Resolve(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "incidents/{id}/resolve")] HttpRequest request,
        string id,
        [DurableClient] DurableTaskClient client)
        => await IncidentEndpoints.ActAsync(id, IncidentEvents.Resolved, request, Services(request, client), request.HttpContext.RequestAborted);

    // The isolated worker has no DurableTaskClient service: the binding gives it, so the gate is made per call.
    private static IncidentServices Services(HttpRequest request, DurableTaskClient client)
        => new(
            client,
            Service<IIncidentStore>(request),
            new OnceGate(client, Service<TimeProvider>(request)),
            Service<IOptions<WebhookLimits>>(request));

    private static T Service<T>(HttpRequest request)
        where T : notnull
        => request.HttpContext.RequestServices.GetRequiredService<T>();
}
