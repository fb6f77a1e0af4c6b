using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using OpsFunctions.FunctionApp.Durable;
using OpsFunctions.Operations.Incidents;

namespace OpsFunctions.FunctionApp.Incidents;

/// <summary>Incident response as Durable Functions: the incident orchestrator and its activities.</summary>
public static class IncidentFunctions
{
    // One instance for every run, as the generator does: orchestrators keep no state between runs.
    private static readonly IncidentOrchestrator Orchestrator = new();

    [Function(nameof(IncidentOrchestrator))]
    public static Task<IncidentOutcome> RunIncidentOrchestrator([OrchestrationTrigger] TaskOrchestrationContext context)
        => TaskFunctions.RunOrchestratorAsync(context, Orchestrator);

    [Function(nameof(RecordIncident))]
    public static Task<bool> RunRecordIncident([ActivityTrigger] RecordIncidentInput input, string instanceId, FunctionContext executionContext)
        => TaskFunctions.RunActivityAsync<RecordIncident, RecordIncidentInput, bool>(nameof(RecordIncident), input, instanceId, executionContext);

    [Function(nameof(NotifyIncident))]
    public static Task<NotifyIncidentResult> RunNotifyIncident([ActivityTrigger] NotifyIncidentInput input, string instanceId, FunctionContext executionContext)
        => TaskFunctions.RunActivityAsync<NotifyIncident, NotifyIncidentInput, NotifyIncidentResult>(nameof(NotifyIncident), input, instanceId, executionContext);

    [Function(nameof(RunIncidentDiagnostics))]
    public static Task<IReadOnlyList<string>> RunRunIncidentDiagnostics([ActivityTrigger] RunIncidentDiagnosticsInput input, string instanceId, FunctionContext executionContext)
        => TaskFunctions.RunActivityAsync<RunIncidentDiagnostics, RunIncidentDiagnosticsInput, IReadOnlyList<string>>(nameof(RunIncidentDiagnostics), input, instanceId, executionContext);

    [Function(nameof(WriteIncidentReport))]
    public static Task<string> RunWriteIncidentReport([ActivityTrigger] WriteIncidentReportInput input, string instanceId, FunctionContext executionContext)
        => TaskFunctions.RunActivityAsync<WriteIncidentReport, WriteIncidentReportInput, string>(nameof(WriteIncidentReport), input, instanceId, executionContext);
}
