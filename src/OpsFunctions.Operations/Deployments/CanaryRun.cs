using System.Globalization;
using Microsoft.DurableTask;
using OpsFunctions.Integrations.Traffic;
using OpsFunctions.Operations.Deployments.Analysis;

namespace OpsFunctions.Operations.Deployments;

/// <summary>One execution of <see cref="CanaryRolloutOrchestrator"/>: the record as it stands and what the rollout waits for.</summary>
internal sealed class CanaryRun
{
    private const string System = "system";
    private readonly TaskOrchestrationContext _context;
    private readonly RolloutPlan _plan;
    private readonly string _backgroundId;
    private DeploymentRecord _record;
    private Task<RolloutCommand?> _commands;
    private Task<RolloutPlan?> _supersede;
    private Task<IReadOnlyList<AnalysisResult>>? _background;

    public CanaryRun(TaskOrchestrationContext context, RolloutPlan plan)
    {
        _context = context;
        _plan = plan;
        _backgroundId = RolloutIds.BackgroundAnalysisOf(context.InstanceId, plan.DeploymentId);
        _record = new DeploymentRecord
        {
            Id = plan.DeploymentId,
            InstanceId = context.InstanceId,
            Service = plan.Service,
            Version = plan.Version,
            StableVersion = plan.StableVersion,
            Strategy = DeploymentStrategy.Canary,
            State = DeploymentState.Progressing,
            StartedBy = plan.StartedBy,
            Source = plan.Source,
            StartedAt = Now,
            StepCount = plan.Steps.Count,
            GitHub = plan.GitHub,
            Request = plan.Request,
        };
        _commands = WaitForCommand();
        _supersede = context.WaitForExternalEvent<RolloutPlan?>(RolloutIds.SupersedeEvent);
    }

    private DateTimeOffset Now => new(_context.CurrentUtcDateTime, TimeSpan.Zero);

    public async Task<DeploymentRecord> RunAsync()
    {
        await SaveAsync(Entry(_plan.StartedBy, DeploymentTimelineKinds.Started,
            $"canary rollout of {_plan.Service} {_plan.Version} started ({_plan.Steps.Count} steps: {string.Join("; ", _plan.Steps.Select(s => s.Description))})"));
        await NotifyAsync("deployment.started", $"Canary rollout of {_plan.Service} {_plan.Version} started by {_plan.StartedBy}.");
        if (!await SetWeightAsync(0, "the canary starts with no traffic"))
        {
            return await EndAsync(DeploymentState.Failed, "the traffic provider refused the first change; nothing was shifted", automatic: true);
        }

        if (_plan.BackgroundAnalysis.Count > 0)
        {
            _background = _context.CallSubOrchestratorAsync<IReadOnlyList<AnalysisResult>>(
                nameof(AnalysisOrchestrator),
                Analysis(_plan.BackgroundAnalysis),
                new SubOrchestrationOptions(instanceId: _backgroundId));
        }

        for (var index = 0; index < _plan.Steps.Count; index++)
        {
            var step = _plan.Steps[index];
            _record = _record with
            {
                StepIndex = index,
                Steps = [.. _record.Steps, new DeploymentStepRecord { Index = index, Description = step.Description, StartedAt = Now }],
            };
            if (step.SetWeight is null)
            {
                // A pause or an analysis may last: the record says which step it is in meanwhile.
                await SaveAsync();
            }

            var outcome = step.SetWeight is { } weight ? await SetWeightStepAsync(weight)
                : step.Pause is { } pause ? await PauseStepAsync(pause)
                : await AnalysisStepAsync(index, step.Analysis ?? []);
            switch (outcome)
            {
                case Outcome.Next:
                    await EndStepAsync(outcome.Text ?? "done");
                    continue;
                case Outcome.Full:
                    await EndStepAsync(outcome.Text!);
                    return await SucceedAsync(outcome.Text!);
                default:
                    await EndStepAsync(outcome.Text ?? "stopped");
                    return await StopAsync(outcome);
            }
        }

        return await SucceedAsync("every step passed");
    }

    private async Task<Outcome> SetWeightStepAsync(int weight)
    {
        var work = SetWeightAsync(weight, null);
        Outcome? pending = null;
        while (true)
        {
            var interrupt = await RaceAsync(work);
            if (interrupt is null)
            {
                break;
            }

            // The change is under way: finish it, then act on what came.
            if (interrupt is Outcome.Next)
            {
                await LogAsync(DeploymentTimelineKinds.Command, System, "promote has nothing to end while the weight is being set: ignored");
                continue;
            }

            pending = interrupt;
            break;
        }

        var applied = await work;
        return pending ?? (applied ? new Outcome.Next() : new Outcome.Failed($"the traffic provider could not set the weight to {weight} %"));
    }

    private async Task<Outcome> PauseStepAsync(PauseStep pause)
    {
        if (pause.Duration is not { } duration)
        {
            return await WaitForPersonAsync($"paused until promoted at step {_record.StepIndex + 1}");
        }

        using var cancellation = new CancellationTokenSource();
        var timer = _context.CreateTimer(_context.CurrentUtcDateTime.Add(duration), cancellation.Token);
        var interrupt = await RaceAsync(timer);

        // Cancel synchronously: CancelAsync would continue off the replay scheduler.
#pragma warning disable VSTHRD103, CA1849
        cancellation.Cancel();
#pragma warning restore VSTHRD103, CA1849
        return interrupt switch
        {
            null => new Outcome.Next(),
            Outcome.Next { By: { } by } => new Outcome.Next($"promoted by {by}"),
            _ => interrupt,
        };
    }

    private async Task<Outcome> AnalysisStepAsync(int index, IReadOnlyList<AnalysisTemplate> templates)
    {
        var id = RolloutIds.StepAnalysisOf(_context.InstanceId, _plan.DeploymentId, index);
        var analysis = _context.CallSubOrchestratorAsync<IReadOnlyList<AnalysisResult>>(
            nameof(AnalysisOrchestrator), Analysis(templates), new SubOrchestrationOptions(instanceId: id));
        var interrupt = await RaceAsync(analysis);
        if (interrupt is not null)
        {
            // Promoted, aborted or superseded mid-analysis: stop it and keep what it measured.
            _context.SendEvent(id, AnalysisEvents.Stop, new AnalysisStop(interrupt.Text));
        }

        var results = await ResultsOf(analysis);
        SetStepAnalysis(results);
        if (interrupt is not null)
        {
            return interrupt is Outcome.Next { By: { } by } ? new Outcome.Next($"promoted by {by} during the analysis") : interrupt;
        }

        await LogAsync(DeploymentTimelineKinds.Analysis, System, Describe(results));
        if (results.FirstOrDefault(r => r.Phase == AnalysisPhase.Failed) is { } failed)
        {
            return new Outcome.Abort($"analysis {Why(failed, "failed")}", Automatic: true);
        }

        if (results.FirstOrDefault(r => r.Phase == AnalysisPhase.Inconclusive) is { } inconclusive)
        {
            return await WaitForPersonAsync($"analysis {Why(inconclusive, "is inconclusive")}");
        }

        return new Outcome.Next("analysis passed");
    }

    /// <summary>Paused: notify with promote and abort links, and wait for a command (or an abort from the background analysis).</summary>
    private async Task<Outcome> WaitForPersonAsync(string reason)
    {
        _record = _record with { State = DeploymentState.Paused, Reason = reason };
        await SaveAsync(Entry(System, DeploymentTimelineKinds.Paused, reason));
        await NotifyAsync("deployment.paused", $"{_plan.Service} {_plan.Version} at {_record.Weight} %: {reason}. Promote to go on, or abort.", offerCommands: true);
        var interrupt = await RaceAsync(new TaskCompletionSource().Task);
        _record = _record with { State = DeploymentState.Progressing, Reason = null };
        return interrupt is Outcome.Next { By: { } by } ? new Outcome.Next($"promoted by {by}") : interrupt!;
    }

    /// <summary>Waits for <paramref name="work"/>, or for what interrupts it first: a command, a newer rollout, the background analysis.</summary>
    /// <returns><see langword="null"/> when the work finished first; otherwise what to do.</returns>
    private async Task<Outcome?> RaceAsync(Task work)
    {
        while (true)
        {
            List<Task> waits = [work, _commands, _supersede];
            if (_background is not null)
            {
                waits.Add(_background);
            }

            var first = await Task.WhenAny(waits);
            if (first == work)
            {
                return null;
            }

            if (first == _supersede)
            {
                var newer = await _supersede;
                _supersede = _context.WaitForExternalEvent<RolloutPlan?>(RolloutIds.SupersedeEvent);
                if (newer is not null)
                {
                    return new Outcome.Supersede(newer);
                }

                continue;
            }

            if (first == _commands)
            {
                var command = await _commands;
                _commands = WaitForCommand();
                var actor = string.IsNullOrWhiteSpace(command?.Actor) ? "unknown" : command.Actor;
                await LogAsync(DeploymentTimelineKinds.Command, actor, command?.Note is { Length: > 0 } note ? $"{command.Decision}: {note}" : command?.Decision ?? "empty command");
                switch (command?.Decision)
                {
                    case RolloutDecisions.Abort:
                        return new Outcome.Abort($"aborted by {actor}{(command.Note is { Length: > 0 } why ? $": {why}" : string.Empty)}", Automatic: false);
                    case RolloutDecisions.PromoteFull:
                        return new Outcome.Full(actor);
                    case RolloutDecisions.Promote:
                        return new Outcome.Next(By: actor);
                    default:
                        continue;
                }
            }

            var results = await ResultsOf(_background!);
            _background = null;
            _record = _record with { BackgroundAnalysis = results };
            await LogAsync(DeploymentTimelineKinds.Analysis, System, "background " + Describe(results));
            if (results.FirstOrDefault(r => r.Phase == AnalysisPhase.Failed) is { } failed)
            {
                return new Outcome.Abort($"background analysis {Why(failed, "failed")}", Automatic: true);
            }

            if (results.FirstOrDefault(r => r.Phase == AnalysisPhase.Inconclusive) is { } inconclusive)
            {
                var outcome = await WaitForPersonAsync($"background analysis {Why(inconclusive, "is inconclusive")}");
                if (outcome is not Outcome.Next)
                {
                    return outcome;
                }

                // Promoted past it: measure again from here.
                _background = _context.CallSubOrchestratorAsync<IReadOnlyList<AnalysisResult>>(
                    nameof(AnalysisOrchestrator),
                    Analysis(_plan.BackgroundAnalysis),
                    new SubOrchestrationOptions(instanceId: $"{_backgroundId}-{_record.StepIndex}"));
            }
        }
    }

    private async Task<DeploymentRecord> StopAsync(Outcome outcome)
    {
        switch (outcome)
        {
            case Outcome.Supersede supersede:
                var newer = supersede.Plan;
                await EndAsync(DeploymentState.Superseded, $"superseded by {newer.DeploymentId} ({newer.Version}, from {newer.StartedBy})", automatic: false);
                _context.ContinueAsNew(newer, preserveUnprocessedEvents: true);
                return _record;
            case Outcome.Abort abort:
                return await EndAsync(DeploymentState.Aborted, abort.Reason, abort.Automatic);
            default:
                return await EndAsync(DeploymentState.Failed, outcome.Text ?? "the rollout could not go on", automatic: true);
        }
    }

    /// <summary>Returns the traffic to the stable version first, then stops the background analysis, records, notifies.</summary>
    private async Task<DeploymentRecord> EndAsync(DeploymentState state, string reason, bool automatic)
    {
        var stable = await SetWeightAsync(0, state == DeploymentState.Superseded ? "superseded: the stable version takes all the traffic" : "the stable version takes all the traffic back");
        await StopBackgroundAsync();
        if (!stable)
        {
            state = DeploymentState.Failed;
            reason += "; the traffic could NOT be returned to the stable version: check the provider";
        }

        _record = _record with { State = state, Reason = reason, EndedAt = Now };
        var kind = state switch
        {
            DeploymentState.Superseded => DeploymentTimelineKinds.Superseded,
            DeploymentState.Aborted => DeploymentTimelineKinds.Aborted,
            _ => DeploymentTimelineKinds.Error,
        };
        await SaveAsync(Entry(System, kind, reason));
        await NotifyAsync($"deployment.{state.ToString().ToLowerInvariant()}", $"{_plan.Service} {_plan.Version}: {reason}.");
        if (automatic && state != DeploymentState.Superseded)
        {
            var incident = await _context.CallActivityAsync<string>(
                nameof(OpenRolloutIncident), new OpenRolloutIncidentInput(_record, reason), DeploymentActivityOptions.Retry);
            await LogAsync(DeploymentTimelineKinds.Aborted, System, $"incident {incident} opened");
        }

        return _record;
    }

    private async Task<DeploymentRecord> SucceedAsync(string how)
    {
        if (_record.Weight != 100 && !await SetWeightAsync(100, "the new version takes all the traffic"))
        {
            return await EndAsync(DeploymentState.Failed, "the traffic provider could not give the new version all the traffic", automatic: true);
        }

        await StopBackgroundAsync();
        _record = _record with { State = DeploymentState.Succeeded, Reason = how, EndedAt = Now };
        await SaveAsync(Entry(System, DeploymentTimelineKinds.Succeeded, $"{_plan.Version} serves all the traffic ({how})"));
        await NotifyAsync("deployment.succeeded", $"{_plan.Service} {_plan.Version} serves all the traffic ({how}).");
        return _record;
    }

    /// <summary>Sets the canary's share; false when the provider kept refusing (the timeline says why).</summary>
    private async Task<bool> SetWeightAsync(int weight, string? why)
    {
        try
        {
            var change = await _context.CallActivityAsync<TrafficChange>(
                nameof(ApplyTraffic), new ApplyTrafficInput(_plan.Traffic, TrafficSplit.Backends(_plan, weight)), DeploymentActivityOptions.Traffic);
            _record = _record with { Weight = weight };
            await SaveAsync(Entry(System, DeploymentTimelineKinds.Traffic,
                string.Create(CultureInfo.InvariantCulture, $"canary weight {weight} %{(why is null ? string.Empty : $" ({why})")}: {change.Detail}")));
            return true;
        }
        catch (TaskFailedException failure)
        {
            await LogAsync(DeploymentTimelineKinds.Error, System, string.Create(CultureInfo.InvariantCulture, $"setting the canary weight to {weight} % failed: {failure.FailureDetails.ErrorMessage}"));
            return false;
        }
    }

    private async Task StopBackgroundAsync()
    {
        if (_background is null)
        {
            return;
        }

        _context.SendEvent(_backgroundId, AnalysisEvents.Stop, new AnalysisStop("the rollout ended"));
        _record = _record with { BackgroundAnalysis = await ResultsOf(_background) };
        _background = null;
    }

    private async Task<IReadOnlyList<AnalysisResult>> ResultsOf(Task<IReadOnlyList<AnalysisResult>> analysis)
    {
        try
        {
            return await analysis;
        }
        catch (TaskFailedException failure)
        {
            return [new AnalysisResult("analysis", AnalysisPhase.Failed, [], $"the analysis itself failed: {failure.FailureDetails.ErrorMessage}")];
        }
    }

    private void SetStepAnalysis(IReadOnlyList<AnalysisResult> results)
    {
        var steps = _record.Steps.ToList();
        steps[^1] = steps[^1] with { Analysis = results };
        _record = _record with { Steps = steps };
    }

    private async Task EndStepAsync(string outcome)
    {
        var steps = _record.Steps.ToList();
        steps[^1] = steps[^1] with { EndedAt = Now, Outcome = outcome };
        _record = _record with { Steps = steps };
        await SaveAsync(Entry(System, DeploymentTimelineKinds.Step, $"step {_record.StepIndex + 1} ({steps[^1].Description}): {outcome}"));
    }

    private Task LogAsync(string kind, string actor, string text) => SaveAsync(Entry(actor, kind, text));

    private async Task SaveAsync(params TimelineEntry[] entries)
    {
        _context.SetCustomStatus(new { _record.Id, state = _record.State, weight = _record.Weight, step = _record.StepIndex, _record.Reason });
        await _context.CallActivityAsync<bool>(nameof(RecordDeployment), new RecordDeploymentInput(_record, entries), DeploymentActivityOptions.Retry);
    }

    private async Task NotifyAsync(string eventName, string text, bool offerCommands = false)
    {
        if (_plan.Contacts.Count == 0)
        {
            return;
        }

        await _context.CallActivityAsync<int>(
            nameof(NotifyDeployment), new NotifyDeploymentInput(_record, eventName, text, _plan.Contacts, offerCommands, Now), DeploymentActivityOptions.Retry);
    }

    /// <summary>An analysis of the canary at its weight now (which the throughput template scales by).</summary>
    private AnalysisInput Analysis(IReadOnlyList<AnalysisTemplate> templates)
        => new() { Templates = templates, Target = _plan.Target with { CanaryWeight = _record.Weight }, ParentId = _context.InstanceId };

    private TimelineEntry Entry(string actor, string kind, string text) => new(Now, actor, kind, text);

    private Task<RolloutCommand?> WaitForCommand() => _context.WaitForExternalEvent<RolloutCommand?>(RolloutIds.CommandEvent(_plan.DeploymentId));

    private static string Describe(IReadOnlyList<AnalysisResult> results)
        => "analysis: " + string.Join("; ", results.Select(r => $"{r.Template} {r.Phase.ToString().ToLowerInvariant()} after {r.Measurements.Count} measurement(s)"));

    /// <summary>The template, how it ended, the run's reason and the last measurement's: what a person needs to decide.</summary>
    private static string Why(AnalysisResult result, string ended)
    {
        var last = result.Measurements.LastOrDefault()?.Message;
        return $"{result.Template} {ended}: {result.Message ?? "no reason given"}{(last is null || last == result.Message ? string.Empty : $" (last measurement: {last})")}";
    }

    /// <summary>What a step, or an interruption, leads to.</summary>
    private abstract record Outcome(string? Text)
    {
        /// <summary>On to the next step; <paramref name="By"/> is who promoted, when someone did.</summary>
        public sealed record Next(string? Text = null, string? By = null) : Outcome(Text);

        /// <summary>Skip the remaining steps: the new version takes all the traffic.</summary>
        public sealed record Full(string By) : Outcome($"promoted to full by {By}");

        public sealed record Abort(string Reason, bool Automatic) : Outcome(Reason);

        public sealed record Supersede(RolloutPlan Plan) : Outcome($"superseded by {Plan.DeploymentId}");

        public sealed record Failed(string Reason) : Outcome(Reason);
    }
}
