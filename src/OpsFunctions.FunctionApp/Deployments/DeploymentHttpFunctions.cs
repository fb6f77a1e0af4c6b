using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpsFunctions.Operations.Deployments;
using OpsFunctions.Operations.Http;

namespace OpsFunctions.FunctionApp.Deployments;

/// <summary>Deployments over HTTP on Azure Functions: the same handlers the ASP.NET Core host maps, behind function keys.</summary>
public static class DeploymentHttpFunctions
{
    [Function("StartDeployment")]
    public static async Task<IResult> Start(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "deployments")] HttpRequest request,
        [DurableClient] DurableTaskClient client)
        => await DeploymentEndpoints.StartAsync(request, Services(request, client), request.HttpContext.RequestAborted);

    [Function("ListDeployments")]
    public static async Task<IResult> List(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "deployments")] HttpRequest request)
        => await DeploymentEndpoints.ListAsync(request, Service<IDeploymentStore>(request), request.HttpContext.RequestAborted);

    [Function("GetDeployment")]
    public static async Task<IResult> Get(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "deployments/{id}")] HttpRequest request, string id)
        => await DeploymentEndpoints.GetAsync(id, Service<IDeploymentStore>(request), request.HttpContext.RequestAborted);

    [Function("PromoteDeployment")]
    public static async Task<IResult> Promote(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "deployments/{id}/promote")] HttpRequest request,
        string id,
        [DurableClient] DurableTaskClient client)
        => await DeploymentEndpoints.CommandAsync(id, RolloutDecisions.Promote, request, Services(request, client), request.HttpContext.RequestAborted);

    [Function("AbortDeployment")]
    public static async Task<IResult> Abort(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "deployments/{id}/abort")] HttpRequest request,
        string id,
        [DurableClient] DurableTaskClient client)
        => await DeploymentEndpoints.CommandAsync(id, RolloutDecisions.Abort, request, Services(request, client), request.HttpContext.RequestAborted);

    [Function("RetryDeployment")]
    public static async Task<IResult> Retry(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "deployments/{id}/retry")] HttpRequest request,
        string id,
        [DurableClient] DurableTaskClient client)
        => await DeploymentEndpoints.RetryAsync(id, request, Services(request, client), request.HttpContext.RequestAborted);

    [Function("ListDeploymentFreezes")]
    public static async Task<IResult> ListFreezes(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "deployment-freezes")] HttpRequest request)
        => await DeploymentEndpoints.ListFreezesAsync(Service<IDeploymentStore>(request), request.HttpContext.RequestAborted);

    [Function("FreezeDeployments")]
    public static async Task<IResult> Freeze(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "deployment-freezes")] HttpRequest request,
        [DurableClient] DurableTaskClient client)
        => await DeploymentEndpoints.FreezeAsync(request, Services(request, client), request.HttpContext.RequestAborted);

    [Function("UnfreezeDeployments")]
    public static async Task<IResult> Unfreeze(
        [HttpTrigger(AuthorizationLevel.Function, "delete", Route = "deployment-freezes/{name}")] HttpRequest request, string name)
        => await DeploymentEndpoints.UnfreezeAsync(name, Service<IDeploymentStore>(request), request.HttpContext.RequestAborted);

    // The isolated worker has no DurableTaskClient service: the binding gives it.
    private static DeploymentServices Services(HttpRequest request, DurableTaskClient client)
        => new(
            client,
            Service<IDeploymentStore>(request),
            Service<RolloutPlanner>(request),
            Service<RolloutStarter>(request),
            Service<IOptions<WebhookLimits>>(request),
            Service<TimeProvider>(request));

    private static T Service<T>(HttpRequest request)
        where T : notnull
        => request.HttpContext.RequestServices.GetRequiredService<T>();
}
