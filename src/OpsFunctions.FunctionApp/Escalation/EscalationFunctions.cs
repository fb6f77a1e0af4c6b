using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using OpsFunctions.FunctionApp.Durable;
using OpsFunctions.Operations.Escalation;

namespace OpsFunctions.FunctionApp.Escalation;

/// <summary>The escalation ladder as Durable Functions: its orchestrator, the activity that picks its policy and the one that signals another instance.</summary>
public static class EscalationFunctions
{
    // One instance for every run, as the generator does: orchestrators keep no state between runs.
    private static readonly EscalationOrchestrator Orchestrator = new();

    [Function(nameof(EscalationOrchestrator))]
    public static Task<EscalationResult> RunEscalationOrchestrator([OrchestrationTrigger] TaskOrchestrationContext context)
        => TaskFunctions.RunOrchestratorAsync(context, Orchestrator);

    [Function(nameof(SelectEscalationPolicy))]
    public static Task<EscalationPolicy> RunSelectEscalationPolicy([ActivityTrigger] SelectEscalationPolicyInput input, string instanceId, FunctionContext executionContext)
        => TaskFunctions.RunActivityAsync<SelectEscalationPolicy, SelectEscalationPolicyInput, EscalationPolicy>(nameof(SelectEscalationPolicy), input, instanceId, executionContext);

    // The isolated worker has no DurableTaskClient service: the binding gives it.
    [Function(nameof(SignalInstance))]
    public static Task<bool> RunSignalInstance([ActivityTrigger] SignalInstanceInput input, string instanceId, [DurableClient] DurableTaskClient client, FunctionContext executionContext)
        => TaskFunctions.RunActivityAsync<SignalInstance, SignalInstanceInput, bool>(nameof(SignalInstance), input, instanceId, executionContext, client);
}
