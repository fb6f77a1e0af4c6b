using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using OpsFunctions.Durable;
using OpsFunctions.Durable.Client;
using OpsFunctions.Durable.Storage;
using OpsFunctions.Host.Security;
using OpsFunctions.Operations.Approvals;
using OpsFunctions.Operations.Http;
using OpsFunctions.Operations.Triggers;

namespace OpsFunctions.Host.Management;

/// <summary>The dependencies of the management handlers.</summary>
public sealed record ManagementServices(
    DurableTaskClient Client,
    IDurableStore Store,
    DurableTaskRegistry Registry,
    IOptions<DurableTaskOptions> Engine,
    IOptions<WebhookLimits> Limits);

/// <summary>
/// The Durable HTTP management API in Durable Functions' shape, behind the admin key, so existing scripts and
/// tools work: start, status (202 while running, 200 when done), list with paging, raise, terminate, suspend,
/// resume, purge.
/// </summary>
public static partial class ManagementEndpoints
{
    public const string ContinuationHeader = QueryParameters.ContinuationHeader;
    public const int MaxPageSize = QueryParameters.MaxPageSize;

    public static IEndpointRouteBuilder MapManagementEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost($"{ManagementPayloads.BasePath}/approvals", ApprovalEndpoints.IssueAsync).RequireKey(KeyScope.Admin);
        var api = app.MapGroup(ManagementPayloads.BasePath).RequireKey(KeyScope.Admin).AddEndpointFilter(CheckTaskHub);
        api.MapPost("/orchestrators/{name}/{instanceId?}", StartAsync);
        api.MapGet("/instances", ListAsync);
        api.MapGet("/instances/{instanceId}", GetStatusAsync);
        api.MapPost("/instances/{instanceId}/raiseEvent/{eventName}", RaiseEventAsync);
        api.MapPost("/instances/{instanceId}/terminate", (string instanceId, string? reason, [AsParameters] ManagementServices services, CancellationToken ct)
            => ControlAsync(() => services.Client.TerminateInstanceAsync(instanceId, reason, ct), instanceId, "terminated"));
        api.MapPost("/instances/{instanceId}/suspend", (string instanceId, string? reason, [AsParameters] ManagementServices services, CancellationToken ct)
            => ControlAsync(() => services.Client.SuspendInstanceAsync(instanceId, reason, ct), instanceId, "suspended"));
        api.MapPost("/instances/{instanceId}/resume", (string instanceId, string? reason, [AsParameters] ManagementServices services, CancellationToken ct)
            => ControlAsync(() => services.Client.ResumeInstanceAsync(instanceId, reason, ct), instanceId, "resumed"));
        api.MapDelete("/instances/{instanceId}", PurgeAsync);
        api.MapDelete("/instances", PurgeManyAsync);
        return app;
    }

    public static async Task<Results<Accepted<StartPayload>, ProblemHttpResult>> StartAsync(
        string name, string? instanceId, HttpRequest request, [AsParameters] ManagementServices services, CancellationToken cancellationToken)
    {
        if (!services.Registry.HasOrchestrator(name))
        {
            return Problems.NotFound($"No orchestrator named '{name}' is registered in this host.");
        }

        var body = await JsonBody.ReadAsync(request, services.Limits.Value.MaxBodyBytes, allowEmpty: true, cancellationToken);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        try
        {
            var id = await services.Client.ScheduleNewOrchestrationInstanceAsync(
                name, body.Json, new StartOrchestrationOptions(instanceId), cancellationToken);
            var payload = ManagementPayloads.Start(request, services.Engine.Value.HubName, id);
            request.HttpContext.Response.Headers.RetryAfter = "1";
            return TypedResults.Accepted(payload.StatusQueryGetUri, payload);
        }
        catch (InstanceAlreadyExistsException exception)
        {
            return Problems.Conflict(exception.Message);
        }
        catch (ArgumentException exception)
        {
            return Problems.Invalid("instanceId", exception.Message);
        }
    }

    public static async Task<Results<Ok<StatusPayload>, Accepted<StatusPayload>, JsonHttpResult<StatusPayload>, ProblemHttpResult>> GetStatusAsync(
        string instanceId,
        bool? showHistory,
        bool? showHistoryOutput,
        bool? showInput,
        bool? returnInternalServerErrorOnFailure,
        HttpRequest request,
        [AsParameters] ManagementServices services,
        CancellationToken cancellationToken)
    {
        var metadata = await services.Client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, cancellationToken);
        if (metadata is null)
        {
            return Problems.NotFound($"No orchestration instance with id '{instanceId}' exists.");
        }

        var payload = ManagementPayloads.Status(metadata, showInput ?? true);
        if (showHistory == true)
        {
            var history = await services.Store.ReadHistoryAsync(instanceId, cancellationToken);
            payload = payload with { HistoryEvents = ManagementPayloads.History(history, showHistoryOutput == true) };
        }

        if (metadata.RuntimeStatus == OrchestrationRuntimeStatus.Failed && returnInternalServerErrorOnFailure == true)
        {
            return TypedResults.Json(payload, statusCode: StatusCodes.Status500InternalServerError);
        }

        if (metadata.IsCompleted)
        {
            return TypedResults.Ok(payload);
        }

        // Still going: 202 with Location, so a client can keep polling the same URL.
        request.HttpContext.Response.Headers.RetryAfter = "1";
        return TypedResults.Accepted($"{request.Scheme}://{request.Host}{request.PathBase}{request.Path}{request.QueryString}", payload);
    }

    public static async Task<Results<Ok<List<StatusPayload>>, ProblemHttpResult>> ListAsync(
        string? runtimeStatus,
        string? createdTimeFrom,
        string? createdTimeTo,
        string? instanceIdPrefix,
        int? top,
        bool? showInput,
        HttpRequest request,
        [AsParameters] ManagementServices services,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string>();
        var statuses = ManagementQuery.Statuses(runtimeStatus, errors);
        var from = QueryParameters.Time(createdTimeFrom, nameof(createdTimeFrom), errors);
        var to = QueryParameters.Time(createdTimeTo, nameof(createdTimeTo), errors);
        if (top is < 1 or > MaxPageSize)
        {
            errors[nameof(top)] = $"The field 'top' must be between 1 and {MaxPageSize}.";
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        var query = new OrchestrationQuery(from, to, statuses)
        {
            InstanceIdPrefix = string.IsNullOrEmpty(instanceIdPrefix) ? null : instanceIdPrefix,
            PageSize = top ?? OrchestrationQuery.DefaultPageSize,
            FetchInputsAndOutputs = true,
        };
        var continuation = request.Headers[ContinuationHeader].ToString();
        Page<OrchestrationMetadata>? page = null;
        await foreach (var first in services.Client.GetAllInstancesAsync(query)
            .AsPages(continuation.Length > 0 ? continuation : null, query.PageSize).WithCancellation(cancellationToken))
        {
            page = first;
            break;
        }

        if (page?.ContinuationToken is { } next)
        {
            request.HttpContext.Response.Headers[ContinuationHeader] = next;
        }

        return TypedResults.Ok(page?.Values.Select(m => ManagementPayloads.Status(m, showInput ?? true)).ToList() ?? []);
    }

    public static async Task<Results<Accepted, ProblemHttpResult>> RaiseEventAsync(
        string instanceId, string eventName, HttpRequest request, [AsParameters] ManagementServices services, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadAsync(request, services.Limits.Value.MaxBodyBytes, allowEmpty: true, cancellationToken);
        if (body.Problem is not null)
        {
            return body.Problem;
        }

        return await ControlAsync(() => services.Client.RaiseEventAsync(instanceId, eventName, body.Json, cancellationToken), instanceId, "sent the event");
    }

    public static async Task<Results<Ok<PurgePayload>, ProblemHttpResult>> PurgeAsync(
        string instanceId, [AsParameters] ManagementServices services, CancellationToken cancellationToken)
    {
        try
        {
            var result = await services.Client.PurgeInstanceAsync(instanceId, cancellationToken);
            return result.PurgedInstanceCount == 0
                ? Problems.NotFound($"No orchestration instance with id '{instanceId}' exists.")
                : TypedResults.Ok(new PurgePayload(result.PurgedInstanceCount));
        }
        catch (InvalidOperationException exception)
        {
            return Problems.Conflict(exception.Message);
        }
    }

    public static async Task<Results<Ok<PurgePayload>, ProblemHttpResult>> PurgeManyAsync(
        string? runtimeStatus, string? createdTimeFrom, string? createdTimeTo, [AsParameters] ManagementServices services, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string>();
        var statuses = ManagementQuery.Statuses(runtimeStatus, errors);
        var from = QueryParameters.Time(createdTimeFrom, nameof(createdTimeFrom), errors);
        var to = QueryParameters.Time(createdTimeTo, nameof(createdTimeTo), errors);
        if (from is null && !errors.ContainsKey(nameof(createdTimeFrom)))
        {
            errors[nameof(createdTimeFrom)] = "The field 'createdTimeFrom' is required to purge many instances.";
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        var result = await services.Client.PurgeAllInstancesAsync(new PurgeInstancesFilter(from, to, statuses), cancellationToken);
        return result.PurgedInstanceCount == 0
            ? Problems.NotFound("No ended instances match the filter.")
            : TypedResults.Ok(new PurgePayload(result.PurgedInstanceCount));
    }

    private static async Task<Results<Accepted, ProblemHttpResult>> ControlAsync(Func<Task> action, string instanceId, string what)
    {
        try
        {
            await action();
            return TypedResults.Accepted((string?)null);
        }
        catch (InstanceNotFoundException exception)
        {
            return Problems.NotFound(exception.Message);
        }
        catch (ArgumentException exception)
        {
            return Problems.Invalid(exception.ParamName ?? "request", exception.Message);
        }
        catch (InvalidOperationException exception)
        {
            // Durable Functions answers 410 Gone for an instance that has already ended.
            return Problems.Gone($"Instance '{instanceId}' could not be {what}: {exception.Message}");
        }
    }

    private static ValueTask<object?> CheckTaskHub(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var taskHub = context.HttpContext.Request.Query["taskHub"].ToString();
        var hubName = context.HttpContext.RequestServices.GetRequiredService<IOptions<DurableTaskOptions>>().Value.HubName;
        if (taskHub.Length > 0 && !taskHub.Equals(hubName, StringComparison.OrdinalIgnoreCase))
        {
            return ValueTask.FromResult<object?>(Problems.Invalid("taskHub", $"This host serves task hub '{hubName}', not '{taskHub}'."));
        }

        return next(context);
    }
}
