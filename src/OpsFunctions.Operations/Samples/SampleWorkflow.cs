using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;

namespace OpsFunctions.Operations.Samples;

/// <summary>What the sample reads from whatever a webhook or caller sends; unknown fields are ignored.</summary>
public sealed record SampleInput
{
    public string? Message { get; init; }

    /// <summary>Gets how long the sample's activity works, to exercise shutdown and metrics.</summary>
    public int StepMilliseconds { get; init; }

    /// <summary>Gets a value indicating whether the sample waits for an <c>Approval</c> event before finishing.</summary>
    public bool WaitForApproval { get; init; }
}

/// <summary>
/// The sample the host ships until the real workflows arrive: one activity, an optional approval wait, a result.
/// It exercises every trigger end to end.
/// </summary>
public sealed class SampleWorkflow : TaskOrchestrator<SampleInput?, string>
{
    public const string ApprovalEvent = "Approval";

    public override async Task<string> RunAsync(TaskOrchestrationContext context, SampleInput? input)
    {
        input ??= new SampleInput();
        context.SetCustomStatus("working");
        var step = await context.CallActivityAsync<string>(nameof(SampleStep), input);
        if (!input.WaitForApproval)
        {
            return step;
        }

        context.SetCustomStatus("waiting for approval");
        var decision = await context.WaitForExternalEvent<System.Text.Json.JsonElement>(ApprovalEvent);
        return $"{step}; approval: {decision.GetRawText()}";
    }
}

/// <summary>The sample's activity: works for <see cref="SampleInput.StepMilliseconds"/> and echoes the message.</summary>
public sealed partial class SampleStep(ILogger<SampleStep> logger) : TaskActivity<SampleInput, string>
{
    public override async Task<string> RunAsync(TaskActivityContext context, SampleInput input)
    {
        LogStepStarted(context.InstanceId, input.StepMilliseconds);
        if (input.StepMilliseconds > 0)
        {
            await Task.Delay(input.StepMilliseconds, CancellationToken.None);
        }

        return $"done: {input.Message}";
    }

    [LoggerMessage(EventId = 5900, Level = LogLevel.Information, Message = "SampleStep started for instance '{InstanceId}' ({StepMilliseconds} ms of work).")]
    private partial void LogStepStarted(string instanceId, int stepMilliseconds);
}

/// <summary>Registers the sample: what the generic triggers start until they are configured to start a workflow.</summary>
public static class SampleRegistration
{
    public static DurableTaskRegistry AddSamples(this DurableTaskRegistry tasks)
        => tasks.AddOrchestrator<SampleWorkflow>().AddActivity<SampleStep>();
}
