using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpsFunctions.Operations.Durability;
using OpsFunctions.Operations.Http;

namespace OpsFunctions.Operations.Incidents;

/// <summary>The dependencies of the incident handlers.</summary>
public sealed record IncidentServices(DurableTaskClient Client, IIncidentStore Store, OnceGate Gate, IOptions<WebhookLimits> Limits);

/// <summary>A manual incident: <c>POST /api/incidents</c>.</summary>
public sealed record OpenIncidentRequest(
    string? Title, string? Service, string? Severity, string? Description, string? Actor, string? Policy, Dictionary<string, string>? Labels);

/// <summary>An acknowledgement or resolution: who acts, and an optional note for the timeline.</summary>
public sealed record IncidentActionRequest(string? Actor, string? Note);

/// <summary>What <c>POST /api/incidents</c> and the Alertmanager route answer.</summary>
/// <param name="Id">The incident id.</param>
/// <param name="Outcome"><c>opened</c>, <c>updated</c> (a later delivery of the group) or <c>ignored</c> (only resolved alerts of a closed group).</param>
/// <param name="Duplicate">Whether the <c>Idempotency-Key</c> was seen before, so nothing happened.</param>
public sealed record IncidentAccepted(string? Id, string Outcome, bool Duplicate = false);

/// <summary>What an ack or resolve answers: the event raised on the incident.</summary>
public sealed record IncidentActionAccepted(string Id, string Event, string Actor);

/// <summary>An incident with its timeline and report: <c>GET /api/incidents/{id}</c>.</summary>
public sealed record IncidentDetails(IncidentRecord Incident, IReadOnlyList<TimelineEntry> Timeline, string? Report);

/// <summary>
/// Incident response over HTTP: the Alertmanager webhook (bearer token or function key), and behind the function key
/// open by hand, acknowledge, resolve, list and show. Both hosts call these handlers; the ASP.NET Core host maps them
/// with <see cref="MapIncidentEndpoints"/>.
/// </summary>
public static class IncidentEndpoints
{
    public const string Opened = "opened";
    public const string Updated = "updated";
    public const string Ignored = "ignored";
    public const int DefaultPageSize = 50;

    /// <summary>Maps the routes; keys are checked by the host's <see cref="IKeyCheck"/>.</summary>
    public static IEndpointRouteBuilder MapIncidentEndpoints(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapPost("/api/alerts/alertmanager", (HttpRequest request, IOptions<AlertmanagerOptions> options, IKeyCheck keys, DurableTaskClient client, CancellationToken ct)
            => AlertmanagerAsync(request, options.Value, keys, client, ct));
        var api = app.MapGroup("/api/incidents")
            .AddEndpointFilter(async (context, next) =>
                context.HttpContext.RequestServices.GetRequiredService<IKeyCheck>().CheckFunctionKey(context.HttpContext) ?? await next(context));
        api.MapPost("/", OpenAsync);
        api.MapGet("/", (HttpRequest request, IIncidentStore store, CancellationToken ct) => ListAsync(request, store, ct));
        api.MapGet("/{id}", GetAsync);
        api.MapPost("/{id}/ack", (string id, HttpRequest request, [AsParameters] IncidentServices services, CancellationToken ct)
            => ActAsync(id, IncidentEvents.Acknowledged, request, services, ct));
        api.MapPost("/{id}/resolve", (string id, HttpRequest request, [AsParameters] IncidentServices services, CancellationToken ct)
            => ActAsync(id, IncidentEvents.Resolved, request, services, ct));
        return app;
    }

    /// <summary>
    /// The Alertmanager webhook: <c>Authorization: Bearer</c> with <c>Alertmanager:BearerToken</c> (compared in constant
    /// time), or a function key checked by <paramref name="keys"/>; then <see cref="DeliverAlertsAsync"/>.
    /// </summary>
    public static async Task<IResult> AlertmanagerAsync(
        HttpRequest request, AlertmanagerOptions options, IKeyCheck keys, DurableTaskClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(keys);
        var authorization = request.Headers.Authorization.ToString();
        var bearer = authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization["Bearer ".Length..].Trim() : null;
        if (bearer is not null && !string.IsNullOrEmpty(options.BearerToken))
        {
            if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(bearer), Encoding.UTF8.GetBytes(options.BearerToken)))
            {
                return Problems.Unauthorized("The bearer token is not the one configured in Alertmanager:BearerToken.");
            }
        }
        else if (keys.CheckFunctionKey(request.HttpContext) is { } unauthorized)
        {
            return unauthorized;
        }

        return await DeliverAlertsAsync(request, client, options.MaxBodyBytes, cancellationToken);
    }

    public static async Task<Results<Accepted<IncidentAccepted>, Ok<IncidentAccepted>, ProblemHttpResult>> OpenAsync(
        HttpRequest request, [AsParameters] IncidentServices services, CancellationToken cancellationToken)
    {
        var idempotencyKey = request.Headers[DeliveryIds.IdempotencyHeader].Count > 0 ? request.Headers[DeliveryIds.IdempotencyHeader].ToString() : null;
        if (DeliveryIds.Validate(idempotencyKey, DeliveryIds.IdempotencyHeader) is { } badKey)
        {
            return badKey;
        }

        var (body, problem) = await JsonRequests.ReadAsync<OpenIncidentRequest>(request, services.Limits.Value.MaxBodyBytes, cancellationToken, "title", "service", "actor");
        if (problem is not null)
        {
            return problem;
        }

        Severity? severity = null;
        if (!string.IsNullOrWhiteSpace(body!.Severity))
        {
            if (!SeverityLabels.TryParse(body.Severity, out var parsed))
            {
                return Problems.Invalid("severity", $"The field 'severity' holds '{body.Severity}'; use critical, high, warning or info (or Critical, High, Medium, Low).");
            }

            severity = parsed;
        }

#pragma warning disable RS0030 // A request handler, not replayed: a fresh id per request is what it needs.
        var id = $"{IncidentIds.Prefix}manual-{Guid.NewGuid():N}";
#pragma warning restore RS0030
        if (idempotencyKey is not null)
        {
            var claim = await services.Gate.TryClaimAsync("delivery-incidents", idempotencyKey, services.Limits.Value.IdempotencyWindow, id, cancellationToken);
            if (!claim.Claimed)
            {
                return TypedResults.Ok(new IncidentAccepted(claim.Reference, Opened, Duplicate: true));
            }
        }

        var input = new IncidentRequest
        {
            Title = body.Title,
            Service = body.Service,
            Severity = severity ?? SeverityLabels.Default,
            Description = body.Description,
            OpenedBy = body.Actor,
            Policy = string.IsNullOrWhiteSpace(body.Policy) ? null : body.Policy,
            Source = IncidentSources.Manual,
            Labels = body.Labels ?? new Dictionary<string, string>(),
        };
        try
        {
            await services.Client.ScheduleNewOrchestrationInstanceAsync(nameof(IncidentOrchestrator), input, new StartOrchestrationOptions(id), cancellationToken);
        }
        catch when (idempotencyKey is not null)
        {
            // Nothing started: give the key back so the caller's retry is not taken for a duplicate.
            await services.Gate.ReleaseAsync("delivery-incidents", idempotencyKey, CancellationToken.None);
            throw;
        }

        return TypedResults.Accepted($"/api/incidents/{id}", new IncidentAccepted(id, Opened));
    }

    public static async Task<Results<Accepted<IncidentActionAccepted>, ProblemHttpResult>> ActAsync(
        string id, string eventName, HttpRequest request, IncidentServices services, CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonRequests.ReadAsync<IncidentActionRequest>(request, services.Limits.Value.MaxBodyBytes, cancellationToken, "actor");
        if (problem is not null)
        {
            return problem;
        }

        var verb = eventName == IncidentEvents.Acknowledged ? "acknowledged" : "resolved";
        var instance = await services.Client.GetInstanceAsync(id, cancellation: cancellationToken);
        var record = await services.Store.GetAsync(id, cancellationToken);
        if (record?.State == IncidentState.Resolved)
        {
            return Problems.Conflict($"Incident '{id}' is already resolved (by {record.ResolvedBy ?? "unknown"} at {record.ResolvedAt:u}); it cannot be {verb}.");
        }

        if (instance is null || instance.Name != nameof(IncidentOrchestrator))
        {
            return Problems.NotFound($"No incident with id '{id}'.");
        }

        if (instance.RuntimeStatus is OrchestrationRuntimeStatus.Completed or OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated)
        {
            return Problems.Conflict($"Incident '{id}' has already ended ({instance.RuntimeStatus}); it cannot be {verb}.");
        }

        var action = new IncidentAction(body!.Actor!.Trim(), string.IsNullOrWhiteSpace(body.Note) ? null : body.Note);
        try
        {
            await services.Client.RaiseEventAsync(id, eventName, action, cancellationToken);
        }
        catch (ArgumentException)
        {
            // What the official clients throw for an instance that does not exist.
            return Problems.NotFound($"No incident with id '{id}'.");
        }
        catch (InvalidOperationException)
        {
            return Problems.Conflict($"Incident '{id}' has already ended; it cannot be {verb}.");
        }

        return TypedResults.Accepted($"/api/incidents/{id}", new IncidentActionAccepted(id, eventName, action.Actor!));
    }

    /// <summary>
    /// Lists incidents newest first, filtered by the query's <c>openedFrom</c>, <c>openedTo</c>, <c>service</c>,
    /// <c>severity</c> and <c>state</c>, <c>top</c> per page, paged by <see cref="QueryParameters.ContinuationHeader"/>.
    /// </summary>
    public static async Task<Results<Ok<List<IncidentRecord>>, ProblemHttpResult>> ListAsync(
        HttpRequest request, IIncidentStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(store);
        string? Query(string name) => request.Query[name].Count > 0 ? request.Query[name].ToString() : null;
        var (openedFrom, openedTo, service, severity, state, top) =
            (Query("openedFrom"), Query("openedTo"), Query("service"), Query("severity"), Query("state"), Query("top"));
        var errors = new Dictionary<string, string>();
        var from = QueryParameters.Time(openedFrom, nameof(openedFrom), errors);
        var to = QueryParameters.Time(openedTo, nameof(openedTo), errors);
        Severity? severityFilter = null;
        if (!string.IsNullOrWhiteSpace(severity))
        {
            if (SeverityLabels.TryParse(severity, out var parsed))
            {
                severityFilter = parsed;
            }
            else
            {
                errors[nameof(severity)] = $"The field 'severity' holds '{severity}', which is not one of {string.Join(", ", Enum.GetNames<Severity>())}.";
            }
        }

        var stateFilter = QueryParameters.Enum<IncidentState>(state, nameof(state), errors);
        var pageSize = QueryParameters.PageSize(top, DefaultPageSize, errors);

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        var continuation = request.Headers[QueryParameters.ContinuationHeader].ToString();
        IncidentPage page;
        try
        {
            page = await store.QueryAsync(
                new IncidentQuery
                {
                    OpenedFrom = from,
                    OpenedTo = to,
                    Service = string.IsNullOrWhiteSpace(service) ? null : service,
                    Severity = severityFilter,
                    State = stateFilter,
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

        return TypedResults.Ok(page.Incidents.ToList());
    }

    public static async Task<Results<Ok<IncidentDetails>, ProblemHttpResult>> GetAsync(string id, IIncidentStore store, CancellationToken cancellationToken)
    {
        var record = await store.GetAsync(id, cancellationToken);
        if (record is null)
        {
            return Problems.NotFound($"No incident with id '{id}'.");
        }

        var timeline = await store.GetTimelineAsync(id, cancellationToken);
        var report = await store.GetReportAsync(id, cancellationToken);
        return TypedResults.Ok(new IncidentDetails(record, timeline, report));
    }

    /// <summary>
    /// The Alertmanager webhook for incident response: reads the v4 payload (up to <c>Alertmanager:MaxBodyBytes</c>),
    /// validates it (400 naming each field) and delivers it to the group's incident: 202 <c>opened</c> or
    /// <c>updated</c>, 200 <c>ignored</c>.
    /// </summary>
    public static async Task<Results<Accepted<IncidentAccepted>, Ok<IncidentAccepted>, ProblemHttpResult>> DeliverAlertsAsync(
        HttpRequest request, DurableTaskClient client, long maxBodyBytes, CancellationToken cancellationToken)
    {
        var json = await JsonBody.ReadAsync(request, maxBodyBytes, allowEmpty: false, cancellationToken);
        if (json.Problem is { } problem)
        {
            return problem;
        }

        AlertmanagerWebhook? payload;
        try
        {
            payload = json.Json.Deserialize<AlertmanagerWebhook>();
        }
        catch (JsonException exception)
        {
            return Problems.Invalid(JsonRequests.FieldOf(exception), $"The payload does not fit Alertmanager's webhook (version 4): {exception.Message}");
        }

        if (payload is null)
        {
            return Problems.Invalid("body", "The body is JSON null; send Alertmanager's webhook payload.");
        }

        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var error in payload.Validate())
        {
            errors.TryAdd(error.Field, $"The field '{error.Field}' {error.Message}.");
        }

        foreach (var (field, message) in JsonBody.MissingFields(json.Json, "status"))
        {
            errors.TryAdd(field, message);
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        var result = await AlertmanagerDelivery.DeliverAsync(client, payload, cancellationToken);
        return result.Disposition switch
        {
            DeliveryDisposition.Started => TypedResults.Accepted($"/api/incidents/{result.InstanceId}", new IncidentAccepted(result.InstanceId, Opened)),
            DeliveryDisposition.Updated => TypedResults.Accepted($"/api/incidents/{result.InstanceId}", new IncidentAccepted(result.InstanceId, Updated)),
            DeliveryDisposition.Ignored => TypedResults.Ok(new IncidentAccepted(result.InstanceId, Ignored)),
            _ => Problems.Invalid(result.Errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => $"The field '{g.Key}' {g.First().Message}.")),
        };
    }
}
