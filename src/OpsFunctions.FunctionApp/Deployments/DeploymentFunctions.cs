using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using OpsFunctions.FunctionApp.Durable;
using OpsFunctions.Integrations.Traffic;
using OpsFunctions.Operations.Deployments;
using OpsFunctions.Operations.Deployments.Analysis;

namespace OpsFunctions.FunctionApp.Deployments;

/// <summary>Deployments as Durable Functions: the canary rollout, its analysis, and their activities.</summary>
public static class DeploymentFunctions
{
    // One instance for every run, as the generator does: orchestrators keep no state between runs.
    private static readonly CanaryRolloutOrchestrator Canary = new();
    private static readonly AnalysisOrchestrator Analysis = new();

    [Function(nameof(CanaryRolloutOrchestrator))]
    public static Task<DeploymentRecord> RunCanaryRolloutOrchestrator([OrchestrationTrigger] TaskOrchestrationContext context)
        => TaskFunctions.RunOrchestratorAsync(context, Canary);

    [Function(nameof(AnalysisOrchestrator))]
    public static Task<IReadOnlyList<AnalysisResult>> RunAnalysisOrchestrator([OrchestrationTrigger] TaskOrchestrationContext context)
        => TaskFunctions.RunOrchestratorAsync(context, Analysis);

    [Function(nameof(MeasureAnalysis))]
    public static Task<Measurement> RunMeasureAnalysis([ActivityTrigger] MeasureAnalysisInput input, string instanceId, FunctionContext executionContext)
        => TaskFunctions.RunActivityAsync<MeasureAnalysis, MeasureAnalysisInput, Measurement>(nameof(MeasureAnalysis), input, instanceId, executionContext);

    [Function(nameof(ApplyTraffic))]
    public static Task<TrafficChange> RunApplyTraffic([ActivityTrigger] ApplyTrafficInput input, string instanceId, FunctionContext executionContext)
        => TaskFunctions.RunActivityAsync<ApplyTraffic, ApplyTrafficInput, TrafficChange>(nameof(ApplyTraffic), input, instanceId, executionContext);

    [Function(nameof(RecordDeployment))]
    public static Task<bool> RunRecordDeployment([ActivityTrigger] RecordDeploymentInput input, string instanceId, FunctionContext executionContext)
        => TaskFunctions.RunActivityAsync<RecordDeployment, RecordDeploymentInput, bool>(nameof(RecordDeployment), input, instanceId, executionContext);

    [Function(nameof(NotifyDeployment))]
    public static Task<int> RunNotifyDeployment([ActivityTrigger] NotifyDeploymentInput input, string instanceId, FunctionContext executionContext)
        => TaskFunctions.RunActivityAsync<NotifyDeployment, NotifyDeploymentInput, int>(nameof(NotifyDeployment), input, instanceId, executionContext);

    // The isolated worker has no DurableTaskClient service: the binding gives it.
    [Function(nameof(OpenRolloutIncident))]
    public static Task<string> RunOpenRolloutIncident([ActivityTrigger] OpenRolloutIncidentInput input, string instanceId, [DurableClient] DurableTaskClient client, FunctionContext executionContext)
        => TaskFunctions.RunActivityAsync<OpenRolloutIncident, OpenRolloutIncidentInput, string>(nameof(OpenRolloutIncident), input, instanceId, executionContext, client);
}
