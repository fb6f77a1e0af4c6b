namespace OpsFunctions.Durable.Tests.Parity;

// The scenario orchestrators: each runs on the engine, then replays through Microsoft's executor from the engine's history.

/// <summary>A stop of a trip: a payload with properties, to compare serialized inputs.</summary>
public sealed record Stop(string City, int Position);

/// <summary>An approval decision, raised as an external event.</summary>
public sealed record Approval(string Approver, bool Approved);

/// <summary>Three activities in sequence, with a custom status before each.</summary>
public sealed class ParityChain : TaskOrchestrator<string, List<string>>
{
    public override async Task<List<string>> RunAsync(TaskOrchestrationContext context, string input)
    {
        string[] cities = ["Tokyo", "Seattle", "London"];
        var greetings = new List<string>();
        for (var position = 0; position < cities.Length; position++)
        {
            context.SetCustomStatus(new Stop(cities[position], position));
            greetings.Add(await context.CallActivityAsync<string>("ParityGreet", new Stop(cities[position], position)));
        }

        return greetings;
    }
}

/// <summary>Fans out one activity per number, fans in, and sums in a last activity.</summary>
public sealed class ParityFanOut : TaskOrchestrator<int, int>
{
    public override async Task<int> RunAsync(TaskOrchestrationContext context, int input)
    {
        var squares = await Task.WhenAll(Enumerable.Range(1, input).Select(n => context.CallActivityAsync<int>("ParitySquare", n)));
        return await context.CallActivityAsync<int>("ParitySum", squares);
    }
}

/// <summary>A relative timer, then an absolute one; returns the times it woke at.</summary>
public sealed class ParityTimers : TaskOrchestrator<string?, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, string? input)
    {
        await context.CreateTimer(TimeSpan.FromHours(1), CancellationToken.None);
        var first = context.CurrentUtcDateTime;
        await context.CreateTimer(first.AddMinutes(30), CancellationToken.None);
        return $"{first:O}|{context.CurrentUtcDateTime:O}";
    }
}

/// <summary>Waits 15 minutes for an approval, else escalates through an activity.</summary>
public sealed class ParityApproval : TaskOrchestrator<string, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, string input)
    {
        try
        {
            var approval = await context.WaitForExternalEvent<Approval>("approval", TimeSpan.FromMinutes(15));
            return approval.Approved ? $"approved by {approval.Approver}" : $"rejected by {approval.Approver}";
        }
        catch (TaskCanceledException)
        {
            return await context.CallActivityAsync<string>("ParityEscalate", input);
        }
    }
}

/// <summary>Calls <see cref="ParityChild"/> under an explicit instance id.</summary>
public sealed class ParityParent : TaskOrchestrator<string, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, string input)
    {
        var child = await context.CallSubOrchestratorAsync<string>(
            nameof(ParityChild), new Stop(input, 7), new SubOrchestrationOptions(instanceId: $"{context.InstanceId}-child"));
        return $"parent got: {child}";
    }
}

/// <summary>
/// Calls <see cref="ParityChild"/> without an instance id, so the executor names the instance, then takes a GUID.
/// </summary>
public sealed class ParityImplicitParent : TaskOrchestrator<string, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, string input)
    {
        var child = await context.CallSubOrchestratorAsync<string>(nameof(ParityChild), new Stop(input, 8));
        return $"parent got: {child}; then {context.NewGuid()}";
    }
}

/// <summary>Calls <see cref="ParityFailingChild"/> and reports the failure it sees.</summary>
public sealed class ParityParentOfFailing : TaskOrchestrator<string, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, string input)
    {
        try
        {
            return await context.CallSubOrchestratorAsync<string>(
                nameof(ParityFailingChild), input, new SubOrchestrationOptions(instanceId: $"{context.InstanceId}-child"));
        }
        catch (TaskFailedException failure)
        {
            return $"{failure.Message} | {failure.FailureDetails.ErrorType}: {failure.FailureDetails.ErrorMessage} | " +
                $"caused by InvalidOperationException: {failure.FailureDetails.IsCausedBy<InvalidOperationException>()}";
        }
    }
}

/// <summary>A sub-orchestration that throws.</summary>
public sealed class ParityFailingChild : TaskOrchestrator<string, string>
{
    public override Task<string> RunAsync(TaskOrchestrationContext context, string input)
        => throw new InvalidOperationException($"child cannot handle '{input}'");
}

/// <summary>A sub-orchestration: greets through an activity and names its parent.</summary>
public sealed class ParityChild : TaskOrchestrator<Stop, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, Stop input)
    {
        var greeting = await context.CallActivityAsync<string>("ParityGreet", input);
        return $"{greeting} (parent {context.Parent?.Name}/{context.Parent?.InstanceId})";
    }
}

/// <summary>Calls a flaky activity under a retry policy: the input is the number of attempts.</summary>
public sealed class ParityRetry : TaskOrchestrator<int, string>
{
    public override Task<string> RunAsync(TaskOrchestrationContext context, int input)
        => context.CallActivityAsync<string>(
            "ParityFlaky", "payload", TaskOptions.FromRetryPolicy(new RetryPolicy(input, TimeSpan.FromSeconds(10), backoffCoefficient: 2)));
}

/// <summary>Calls a failing activity under a retry policy with a retry timeout of 25 seconds.</summary>
public sealed class ParityRetryTimeout : TaskOrchestrator<string, string>
{
    public override Task<string> RunAsync(TaskOrchestrationContext context, string input)
        => context.CallActivityAsync<string>(
            "ParityFlaky",
            input,
            TaskOptions.FromRetryPolicy(new RetryPolicy(5, TimeSpan.FromSeconds(10), backoffCoefficient: 2, retryTimeout: TimeSpan.FromSeconds(25))));
}

/// <summary>Calls a failing activity under a retry handler that waits on a timer; returns what the handler saw.</summary>
public sealed class ParityRetryHandler : TaskOrchestrator<string, List<string>>
{
    public override async Task<List<string>> RunAsync(TaskOrchestrationContext context, string input)
    {
        var seen = new List<string>();
        try
        {
            await context.CallActivityAsync<string>("ParityFlaky", input, TaskOptions.FromRetryHandler(async retry =>
            {
                seen.Add($"attempt {retry.LastAttemptNumber} after {retry.TotalRetryTime}: {retry.LastFailure.ErrorType}: {retry.LastFailure.ErrorMessage} " +
                    $"(InvalidOperationException: {retry.LastFailure.IsCausedBy<InvalidOperationException>()})");
                if (retry.LastAttemptNumber >= 3)
                {
                    return false;
                }

                await retry.OrchestrationContext.CreateTimer(TimeSpan.FromSeconds(5), CancellationToken.None);
                return true;
            }));
        }
        catch (TaskFailedException failure)
        {
            seen.Add($"gave up: {failure.Message}");
        }

        return seen;
    }
}

/// <summary>Starts an activity and a one-hour timer, and returns when the first of them ends, without cancelling the timer.</summary>
public sealed class ParityRace : TaskOrchestrator<string, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, string input)
    {
        var work = context.CallActivityAsync<string>("ParityGreet", new Stop(input, 1));
        var deadline = context.CreateTimer(TimeSpan.FromHours(1), CancellationToken.None);
        return await Task.WhenAny(work, deadline) == work ? await work : "deadline";
    }
}

/// <summary>Waits for an event; the test suspends the instance before the event and resumes it after.</summary>
public sealed class ParitySuspendable : TaskOrchestrator<string?, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, string? input)
        => $"went {await context.WaitForExternalEvent<string>("go")} at {context.CurrentUtcDateTime:O}";
}

/// <summary>Counts to three, one execution per step.</summary>
public sealed class ParityCounter : TaskOrchestrator<int, int>
{
    public override async Task<int> RunAsync(TaskOrchestrationContext context, int input)
    {
        var next = await context.CallActivityAsync<int>("ParityIncrement", input);
        if (next < 3)
        {
            context.ContinueAsNew(next);
        }

        return next;
    }
}

/// <summary>Throws from orchestrator code after an activity.</summary>
public sealed class ParityThrows : TaskOrchestrator<string, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, string input)
    {
        var greeting = await context.CallActivityAsync<string>("ParityGreet", new Stop(input, 0));
        throw new InvalidOperationException($"cannot go on after '{greeting}'");
    }
}

/// <summary>Lets an activity's failure escape.</summary>
public sealed class ParityUncaught : TaskOrchestrator<string, string>
{
    public override Task<string> RunAsync(TaskOrchestrationContext context, string input)
        => context.CallActivityAsync<string>("ParityBoom", input);
}

/// <summary>Schedules an activity it does not await and completes.</summary>
public sealed class ParityFireAndForget : TaskOrchestrator<string, string>
{
    public override Task<string> RunAsync(TaskOrchestrationContext context, string input)
    {
        _ = context.CallActivityAsync("ParityNotify", input);
        return Task.FromResult("sent");
    }
}

/// <summary>Waits five minutes, then for an event with a timeout; the event may already be there.</summary>
public sealed class ParityBufferedEvent : TaskOrchestrator<string?, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, string? input)
    {
        await context.CreateTimer(TimeSpan.FromMinutes(5), CancellationToken.None);
        try
        {
            return await context.WaitForExternalEvent<string>("go", TimeSpan.FromMinutes(10));
        }
        catch (TaskCanceledException)
        {
            return "timed out";
        }
    }
}

/// <summary>A seven-day timer: longer than the official worker's default maximum timer interval (three days).</summary>
public sealed class ParityLongTimer : TaskOrchestrator<string?, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, string? input)
    {
        await context.CreateTimer(TimeSpan.FromDays(7), CancellationToken.None);
        return $"{context.CurrentUtcDateTime:O}";
    }
}

/// <summary>Two waits on the same event name at once; returns which payload each got.</summary>
public sealed class ParitySameNameWaiters : TaskOrchestrator<string?, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, string? input)
    {
        var first = context.WaitForExternalEvent<string>("step");
        var second = context.WaitForExternalEvent<string>("step");
        await Task.WhenAll(first, second);
        return $"first={await first} second={await second}";
    }
}

/// <summary>Deterministic GUIDs in two episodes.</summary>
public sealed class ParityGuids : TaskOrchestrator<string?, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, string? input)
    {
        var first = context.NewGuid();
        var second = context.NewGuid();
        await context.CreateTimer(TimeSpan.FromMinutes(1), CancellationToken.None);
        return $"{first}|{second}|{context.NewGuid()}";
    }
}
