using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpsFunctions.Operations.Http;

namespace OpsFunctions.Operations.Deployments;

/// <summary>The dependencies of the deployment handlers.</summary>
public sealed record DeploymentServices(
    DurableTaskClient Client, IDeploymentStore Store, RolloutPlanner Planner, RolloutStarter Starter, IOptions<WebhookLimits> Limits, TimeProvider Time);

/// <summary>A command from the API: who, why, and for promote whether to skip to 100 %.</summary>
public sealed record DeploymentCommandRequest(string? Actor, string? Note, bool? Full);

/// <summary>A freeze from the API: <c>POST /api/deployment-freezes</c>.</summary>
public sealed record FreezeRequest(string? Name, IReadOnlyList<string>? Services, string? Reason, DateTimeOffset? Until, string? Actor);

/// <summary>What starting, retrying or superseding answers.</summary>
/// <param name="Id">The new deployment's id.</param>
/// <param name="InstanceId">The service's rollout instance.</param>
/// <param name="Supersedes">The deployment it takes over from, when one was running.</param>
public sealed record DeploymentAccepted(string Id, string InstanceId, string? Supersedes = null);

/// <summary>What a command answers.</summary>
public sealed record DeploymentCommandAccepted(string Id, string Decision, string Actor);

/// <summary>A deployment with its timeline: <c>GET /api/deployments/{id}</c>.</summary>
public sealed record DeploymentDetails(DeploymentRecord Deployment, IReadOnlyList<TimelineEntry> Timeline);

/// <summary>
/// Deployments over HTTP, behind the function key: start, list, show, promote, abort, retry, and freezes. Both hosts
/// call these handlers; the ASP.NET Core host maps them with <see cref="MapDeploymentEndpoints"/>.
/// </summary>
public static class DeploymentEndpoints
{
    public const int DefaultPageSize = 50;

    public static IEndpointRouteBuilder MapDeploymentEndpoints(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var deployments = app.MapGroup("/api/deployments").AddEndpointFilter(RequireFunctionKey);
        deployments.MapPost("/", (HttpRequest request, [AsParameters] DeploymentServices services, CancellationToken ct) => StartAsync(request, services, ct));
        deployments.MapGet("/", (HttpRequest request, IDeploymentStore store, CancellationToken ct) => ListAsync(request, store, ct));
        deployments.MapGet("/{id}", GetAsync);
        deployments.MapPost("/{id}/promote", (string id, HttpRequest request, [AsParameters] DeploymentServices services, CancellationToken ct)
            => CommandAsync(id, RolloutDecisions.Promote, request, services, ct));
        deployments.MapPost("/{id}/abort", (string id, HttpRequest request, [AsParameters] DeploymentServices services, CancellationToken ct)
            => CommandAsync(id, RolloutDecisions.Abort, request, services, ct));
        deployments.MapPost("/{id}/retry", (string id, HttpRequest request, [AsParameters] DeploymentServices services, CancellationToken ct)
            => RetryAsync(id, request, services, ct));
        var freezes = app.MapGroup("/api/deployment-freezes").AddEndpointFilter(RequireFunctionKey);
        freezes.MapGet("/", (IDeploymentStore store, CancellationToken ct) => ListFreezesAsync(store, ct));
        freezes.MapPost("/", (HttpRequest request, [AsParameters] DeploymentServices services, CancellationToken ct) => FreezeAsync(request, services, ct));
        freezes.MapDelete("/{name}", (string name, IDeploymentStore store, CancellationToken ct) => UnfreezeAsync(name, store, ct));
        return app;
    }

    /// <summary><c>POST /api/deployments</c>: plans the rollout (400 naming a bad field), refuses it under a freeze (409), starts it (202).</summary>
    public static async Task<Results<Accepted<DeploymentAccepted>, ProblemHttpResult>> StartAsync(
        HttpRequest request, DeploymentServices services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        var (body, problem) = await JsonRequests.ReadAsync<RolloutRequest>(request, services.Limits.Value.MaxBodyBytes, cancellationToken, "service", "version");
        if (problem is not null)
        {
            return problem;
        }

        var source = request.Headers.UserAgent.ToString().StartsWith("ops/", StringComparison.Ordinal) ? DeploymentSources.Cli : DeploymentSources.Api;
        return await PlanAndStartAsync(body!, source, services, cancellationToken);
    }

    /// <summary>Plans and starts a request, whatever brought it: the API, a retry, the GitHub trigger.</summary>
    public static async Task<Results<Accepted<DeploymentAccepted>, ProblemHttpResult>> PlanAndStartAsync(
        RolloutRequest body, string source, DeploymentServices services, CancellationToken cancellationToken, GitHubDeploymentRef? gitHub = null)
    {
        ArgumentNullException.ThrowIfNull(services);
#pragma warning disable RS0030 // A request handler, not replayed: a fresh id per request is what it needs.
        var random = Guid.NewGuid();
#pragma warning restore RS0030
        var (plan, errors) = services.Planner.Plan(body, source, services.Time.GetUtcNow(), random, gitHub);
        if (plan is null)
        {
            return Problems.Invalid(errors);
        }

        var started = await services.Starter.StartAsync(services.Client, plan, cancellationToken);
        if (started.Freeze is { } freeze)
        {
            return Problems.Conflict(
                $"Deployments of '{plan.Service}' are frozen by '{freeze.Name}' ({freeze.Reason}){(freeze.Until is { } until ? $" until {until:u}" : " until unfrozen")}.");
        }

        return TypedResults.Accepted($"/api/deployments/{plan.DeploymentId}", new DeploymentAccepted(plan.DeploymentId, RolloutIds.InstanceOf(plan.Service), started.Superseded));
    }

    /// <summary><c>POST /api/deployments/{id}/promote|abort</c>: 404 for an unknown id, 409 once it has ended, else 202.</summary>
    public static async Task<Results<Accepted<DeploymentCommandAccepted>, ProblemHttpResult>> CommandAsync(
        string id, string decision, HttpRequest request, DeploymentServices services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        var (body, problem) = await JsonRequests.ReadAsync<DeploymentCommandRequest>(request, services.Limits.Value.MaxBodyBytes, cancellationToken, "actor");
        if (problem is not null)
        {
            return problem;
        }

        var record = await services.Store.GetAsync(id, cancellationToken);
        if (record is null)
        {
            return Problems.NotFound($"No deployment with id '{id}'.");
        }

        if (record.State is not (DeploymentState.Progressing or DeploymentState.Paused))
        {
            return Problems.Conflict($"Deployment '{id}' has ended ({record.State}{(record.Reason is null ? string.Empty : $": {record.Reason}")}); it cannot be {decision}d.");
        }

        if (decision == RolloutDecisions.Promote && body!.Full == true)
        {
            decision = RolloutDecisions.PromoteFull;
        }

        var command = new RolloutCommand { Decision = decision, Actor = body!.Actor!.Trim(), Note = string.IsNullOrWhiteSpace(body.Note) ? null : body.Note };
        try
        {
            await services.Client.RaiseEventAsync(record.InstanceId, RolloutIds.CommandEvent(id), command, cancellationToken);
        }
        catch (Exception exception) when (exception is ArgumentException or InvalidOperationException)
        {
            return Problems.Conflict($"Deployment '{id}' is no longer running; the {decision} was not delivered.");
        }

        return TypedResults.Accepted($"/api/deployments/{id}", new DeploymentCommandAccepted(id, decision, command.Actor!));
    }

    /// <summary><c>POST /api/deployments/{id}/retry</c>: an aborted or failed deployment, again from its first step, as a new deployment.</summary>
    public static async Task<Results<Accepted<DeploymentAccepted>, ProblemHttpResult>> RetryAsync(
        string id, HttpRequest request, DeploymentServices services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        var (body, problem) = await JsonRequests.ReadAsync<DeploymentCommandRequest>(request, services.Limits.Value.MaxBodyBytes, cancellationToken, "actor");
        if (problem is not null)
        {
            return problem;
        }

        var record = await services.Store.GetAsync(id, cancellationToken);
        if (record is null)
        {
            return Problems.NotFound($"No deployment with id '{id}'.");
        }

        if (record.State is not (DeploymentState.Aborted or DeploymentState.Failed) || record.Request is null)
        {
            return Problems.Conflict($"Deployment '{id}' is {record.State}; only an aborted or failed deployment can be retried.");
        }

        return await PlanAndStartAsync(record.Request with { Actor = body!.Actor!.Trim() }, record.Source, services, cancellationToken, record.GitHub);
    }

    /// <summary>
    /// <c>GET /api/deployments</c>: newest first, filtered by <c>service</c>, <c>state</c>, <c>startedFrom</c>, <c>startedTo</c>,
    /// <c>top</c> per page, paged by <see cref="QueryParameters.ContinuationHeader"/>.
    /// </summary>
    public static async Task<Results<Ok<List<DeploymentRecord>>, ProblemHttpResult>> ListAsync(
        HttpRequest request, IDeploymentStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(store);
        string? Query(string name) => request.Query[name].Count > 0 ? request.Query[name].ToString() : null;
        var errors = new Dictionary<string, string>();
        var from = QueryParameters.Time(Query("startedFrom"), "startedFrom", errors);
        var to = QueryParameters.Time(Query("startedTo"), "startedTo", errors);
        var state = QueryParameters.Enum<DeploymentState>(Query("state"), "state", errors);
        var pageSize = QueryParameters.PageSize(Query("top"), DefaultPageSize, errors);
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        var continuation = request.Headers[QueryParameters.ContinuationHeader].ToString();
        DeploymentPage page;
        try
        {
            page = await store.QueryAsync(
                new DeploymentQuery
                {
                    StartedFrom = from,
                    StartedTo = to,
                    Service = Query("service") is { Length: > 0 } service ? service : null,
                    State = state,
                    PageSize = pageSize,
                    ContinuationToken = continuation.Length > 0 ? continuation : null,
                },
                cancellationToken);
        }
        catch (Exception exception) when (exception is FormatException or ArgumentException or OverflowException)
        {
            return Problems.Invalid(QueryParameters.ContinuationHeader, $"The header '{QueryParameters.ContinuationHeader}' does not hold a token this host gave out.");
        }

        if (page.ContinuationToken is { } next)
        {
            request.HttpContext.Response.Headers[QueryParameters.ContinuationHeader] = next;
        }

        return TypedResults.Ok(page.Deployments.ToList());
    }

    public static async Task<Results<Ok<DeploymentDetails>, ProblemHttpResult>> GetAsync(string id, IDeploymentStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var record = await store.GetAsync(id, cancellationToken);
        return record is null
            ? Problems.NotFound($"No deployment with id '{id}'.")
            : TypedResults.Ok(new DeploymentDetails(record, await store.GetTimelineAsync(id, cancellationToken)));
    }

    public static async Task<Ok<IReadOnlyList<DeploymentFreeze>>> ListFreezesAsync(IDeploymentStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        return TypedResults.Ok(await store.GetFreezesAsync(cancellationToken));
    }

    /// <summary><c>POST /api/deployment-freezes</c>: freezes the services named (every service when none) until <c>until</c> or until unfrozen.</summary>
    public static async Task<Results<Created<DeploymentFreeze>, ProblemHttpResult>> FreezeAsync(
        HttpRequest request, DeploymentServices services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        var (body, problem) = await JsonRequests.ReadAsync<FreezeRequest>(request, services.Limits.Value.MaxBodyBytes, cancellationToken, "name", "reason", "actor");
        if (problem is not null)
        {
            return problem;
        }

        var now = services.Time.GetUtcNow();
        if (body!.Until is { } until && until <= now)
        {
            return Problems.Invalid("until", $"The field 'until' ({until:u}) is not in the future.");
        }

        if (body.Name!.Length > 100)
        {
            return Problems.Invalid("name", "The field 'name' must be at most 100 characters.");
        }

        var freeze = new DeploymentFreeze
        {
            Name = body.Name.Trim(),
            Services = [.. (body.Services ?? []).Where(s => !string.IsNullOrWhiteSpace(s)).Select(s => s.Trim())],
            Reason = body.Reason!.Trim(),
            CreatedBy = body.Actor!.Trim(),
            From = now,
            Until = body.Until,
        };
        await services.Store.SaveFreezeAsync(freeze, cancellationToken);
        return TypedResults.Created($"/api/deployment-freezes/{Uri.EscapeDataString(freeze.Name)}", freeze);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> UnfreezeAsync(string name, IDeploymentStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        return await store.DeleteFreezeAsync(name, cancellationToken)
            ? TypedResults.NoContent()
            : Problems.NotFound($"No freeze named '{name}' (configured windows are changed in configuration, Deployments:Freezes).");
    }

    private static async ValueTask<object?> RequireFunctionKey(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
        => context.HttpContext.RequestServices.GetRequiredService<IKeyCheck>().CheckFunctionKey(context.HttpContext) ?? await next(context);
}
