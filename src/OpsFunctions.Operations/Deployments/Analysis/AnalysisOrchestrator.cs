using Microsoft.DurableTask;

namespace OpsFunctions.Operations.Deployments.Analysis;

/// <summary>The events the analysis orchestration waits for.</summary>
public static class AnalysisEvents
{
    /// <summary>Stop measuring and return the results as they stand (background analysis); payload <see cref="AnalysisStop"/> or none.</summary>
    public const string Stop = "stop";
}

/// <summary>The payload of <see cref="AnalysisEvents.Stop"/>.</summary>
/// <param name="Reason">Why, for the results' messages.</param>
public sealed record AnalysisStop(string? Reason = null);

/// <summary>The input of <see cref="AnalysisOrchestrator"/>, carried from one execution to the next by ContinueAsNew.</summary>
public sealed record AnalysisInput
{
    /// <summary>Gets the templates to run, with every default applied; their names are unique.</summary>
    public required IReadOnlyList<AnalysisTemplate> Templates { get; init; }

    public required AnalysisTarget Target { get; init; }

    /// <summary>Gets the instance that runs the analysis (a rollout), for people reading the instance.</summary>
    public string? ParentId { get; init; }

    /// <summary>Gets where each template stands, one per template in order; null before the first measurement.</summary>
    public IReadOnlyList<AnalysisRunState>? Runs { get; init; }
}

/// <summary>Where one template's run stands: its counts, its last measurements, and when it measures next.</summary>
public sealed record AnalysisRunState
{
    public required string Template { get; init; }

    public AnalysisTally Tally { get; init; } = new();

    /// <summary>Gets the last <see cref="AnalysisConstants.MeasurementsKept"/> measurements, oldest first.</summary>
    public IReadOnlyList<Measurement> Measurements { get; init; } = [];

    public DateTimeOffset NextAt { get; init; }
}

/// <summary>
/// Runs analysis templates against a canary, concurrently, as a sub-orchestration; returns one
/// <see cref="AnalysisResult"/> per template, in the order given.
/// </summary>
/// <remarks>
/// <para>Each template is measured every <see cref="AnalysisTemplate.Interval"/> on durable timers, the first
/// measurement one interval after the start, through the <see cref="MeasureAnalysis"/> activity evaluated at the
/// scheduled time. It returns when every template reached its count; at once when any template is Failed or
/// Inconclusive (the others stop where they stand, Running); or when <see cref="AnalysisEvents.Stop"/> arrives
/// (background analysis, without a count), with the phases as they stand.</para>
/// <para>The custom status is the results so far. Every <see cref="AnalysisConstants.MeasurementsPerExecution"/>
/// measurements the orchestration continues as new, carrying each template's counts and last
/// <see cref="AnalysisConstants.MeasurementsKept"/> measurements and preserving unprocessed events, so a stop that
/// arrives meanwhile reaches the next execution. A result's measurements are therefore the last 20; its counts and
/// phase cover all of them.</para>
/// </remarks>
public sealed class AnalysisOrchestrator : TaskOrchestrator<AnalysisInput, IReadOnlyList<AnalysisResult>>
{
    public override async Task<IReadOnlyList<AnalysisResult>> RunAsync(TaskOrchestrationContext context, AnalysisInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var templates = input.Templates;
        var start = new DateTimeOffset(context.CurrentUtcDateTime, TimeSpan.Zero);
        var runs = input.Runs is { } carried && carried.Count == templates.Count
            ? carried.ToArray()
            : templates.Select(t => new AnalysisRunState { Template = t.Name, NextAt = start + t.Interval }).ToArray();
        if (templates.Count == 0)
        {
            return [];
        }

        // One wait for the whole execution: a stop that arrives while measuring completes it, and is seen below.
        using var stopping = new CancellationTokenSource();
        var stop = context.WaitForExternalEvent<AnalysisStop?>(AnalysisEvents.Stop, stopping.Token);
        var taken = 0;
        while (true)
        {
            var results = Results(templates, runs, null);
            if (stop.IsCompletedSuccessfully)
            {
                var reason = (await stop)?.Reason;
                return Results(templates, runs, reason is null ? "stopped" : $"stopped: {reason}");
            }

            if (results.FirstOrDefault(r => r.Phase is AnalysisPhase.Failed or AnalysisPhase.Inconclusive) is { } decisive)
            {
                return Results(templates, runs, $"stopped: {decisive.Template} is {decisive.Phase}");
            }

            if (results.All(r => r.Phase != AnalysisPhase.Running))
            {
                return results;
            }

            if (taken >= AnalysisConstants.MeasurementsPerExecution)
            {
#pragma warning disable VSTHRD103, CA1849 // Cancel synchronously: CancelAsync would continue off the replay scheduler.
                stopping.Cancel();
#pragma warning restore VSTHRD103, CA1849
                context.ContinueAsNew(input with { Runs = runs }, preserveUnprocessedEvents: true);
                return results;
            }

            var due = Enumerable.Range(0, runs.Length).Where(i => results[i].Phase == AnalysisPhase.Running).Min(i => runs[i].NextAt);
            using (var waiting = new CancellationTokenSource())
            {
                var timer = context.CreateTimer(due.UtcDateTime, waiting.Token);
                if (await Task.WhenAny(timer, stop) == stop)
                {
#pragma warning disable VSTHRD103, CA1849 // As above.
                    waiting.Cancel();
#pragma warning restore VSTHRD103, CA1849
                    continue;
                }
            }

            var batch = Enumerable.Range(0, runs.Length).Where(i => results[i].Phase == AnalysisPhase.Running && runs[i].NextAt <= due).ToArray();
            var measurements = await Task.WhenAll(batch.Select(i => MeasureAsync(context, templates[i], input.Target, runs[i].NextAt)));
            for (var k = 0; k < batch.Length; k++)
            {
                var run = runs[batch[k]];
                runs[batch[k]] = run with
                {
                    Tally = run.Tally.Add(measurements[k].Phase),
                    Measurements = [.. run.Measurements.Append(measurements[k]).TakeLast(AnalysisConstants.MeasurementsKept)],
                    NextAt = run.NextAt + templates[batch[k]].Interval,
                };
            }

            taken += batch.Length;
            context.SetCustomStatus(Results(templates, runs, null));
        }
    }

    private static async Task<Measurement> MeasureAsync(TaskOrchestrationContext context, AnalysisTemplate template, AnalysisTarget target, DateTimeOffset at)
    {
        try
        {
            return await context.CallActivityAsync<Measurement>(nameof(MeasureAnalysis), new MeasureAnalysisInput(template, target, at));
        }
        catch (TaskFailedException exception)
        {
            // The activity reports Prometheus' failures as measurements; anything else is an error measurement too.
            return new Measurement(at, MeasurementPhase.Error, Message: $"{exception.FailureDetails.ErrorType}: {exception.FailureDetails.ErrorMessage}");
        }
    }

    private static List<AnalysisResult> Results(IReadOnlyList<AnalysisTemplate> templates, AnalysisRunState[] runs, string? stoppedBecause)
        => [.. templates.Select((template, i) =>
        {
            var (phase, message) = AnalysisRun.Phase(template, runs[i].Tally);
            if (stoppedBecause is not null && phase == AnalysisPhase.Running)
            {
                message = $"{stoppedBecause}; {message}";
            }

            return new AnalysisResult(template.Name, phase, runs[i].Measurements, message);
        })];
}
