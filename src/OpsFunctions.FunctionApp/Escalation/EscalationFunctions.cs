using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using OpsFunctions.FunctionApp.Durable;
using OpsFunctions.Operations.Escalation;
using OpsFunctions.Operations.Incidents;

namespace OpsFunctions.FunctionApp.Escalation;

/// <summary>The escalation ladder as Durable Functions: its orchestrator and the activity that picks its policy.</summary>
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
}
