using Microsoft.DurableTask;

namespace OpsFunctions.Operations.Deployments;

/// <summary>
/// A canary rollout of one service (instance <see cref="RolloutIds.InstanceOf"/>): its steps in order, background
/// analysis throughout, commands from people, and a newer rollout of the service taking over.
/// </summary>
/// <remarks>
/// <para>The canary starts with no traffic. <c>setWeight</c> sets its share through the service's traffic provider;
/// <c>pause</c> waits for its duration, or until someone promotes; <c>analysis</c> runs the templates as a
/// sub-orchestration (<see cref="Analysis.AnalysisOrchestrator"/>): failed aborts, inconclusive pauses for a person.
/// Background analysis runs as another sub-orchestration until the rollout ends; its failure aborts at once.</para>
/// <para>Commands (<see cref="RolloutCommand"/> on <see cref="RolloutIds.CommandEvent"/>): promote ends the pause or the
/// analysis in progress, promote-full skips to 100 %, abort stops. An abort, a failure, and a newer rollout of the
/// service (<see cref="RolloutIds.SupersedeEvent"/>) all return the traffic to the stable version first: weight 0, the
/// stable servers untouched. A superseded rollout continues as new with the newer plan; an automatic abort opens an
/// incident.</para>
/// </remarks>
public sealed class CanaryRolloutOrchestrator : TaskOrchestrator<RolloutPlan, DeploymentRecord>
{
    public override Task<DeploymentRecord> RunAsync(TaskOrchestrationContext context, RolloutPlan input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        return new CanaryRun(context, input).RunAsync();
    }
}
