using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using OpsFunctions.FunctionApp.Durable;
using OpsFunctions.Operations.Samples;

namespace OpsFunctions.FunctionApp.Samples;

/// <summary>The sample the generic triggers start until they are configured to start a workflow.</summary>
public static class SampleFunctions
{
    private static readonly SampleWorkflow Orchestrator = new();

    [Function(nameof(SampleWorkflow))]
    public static Task<string> RunSampleWorkflow([OrchestrationTrigger] TaskOrchestrationContext context)
        => TaskFunctions.RunOrchestratorAsync(context, Orchestrator);

    [Function(nameof(SampleStep))]
    public static Task<string> RunSampleStep([ActivityTrigger] SampleInput input, string instanceId, FunctionContext executionContext)
        => TaskFunctions.RunActivityAsync<SampleStep, SampleInput, string>(nameof(SampleStep), input, instanceId, executionContext);
}
