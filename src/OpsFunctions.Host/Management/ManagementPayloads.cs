using System.Globalization;
using System.Text.Json.Nodes;
using OpsFunctions.Durable;
using OpsFunctions.Durable.Client;
using OpsFunctions.Durable.History;

namespace OpsFunctions.Host.Management;

/// <summary>What a start answers, in Durable Functions' <c>HttpManagementPayload</c> shape.</summary>
public sealed record StartPayload(
    string Id,
    string StatusQueryGetUri,
    string SendEventPostUri,
    string TerminatePostUri,
    string SuspendPostUri,
    string ResumePostUri,
    string PurgeHistoryDeleteUri);

/// <summary>An instance's status, in Durable Functions' shape.</summary>
public sealed record StatusPayload(
    string Name,
    string InstanceId,
    string RuntimeStatus,
    JsonNode? Input,
    JsonNode? CustomStatus,
    JsonNode? Output,
    string CreatedTime,
    string LastUpdatedTime)
{
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public JsonArray? HistoryEvents { get; init; }
}

public sealed record PurgePayload(int InstancesDeleted);

public static class ManagementPayloads
{
    public const string BasePath = "/runtime/webhooks/durabletask";

    public static StartPayload Start(HttpRequest request, string hubName, string instanceId)
    {
        var instance = $"{request.Scheme}://{request.Host}{request.PathBase}{BasePath}/instances/{Uri.EscapeDataString(instanceId)}";
        var hub = $"taskHub={Uri.EscapeDataString(hubName)}&connection=Storage";
        return new StartPayload(
            instanceId,
            $"{instance}?{hub}",
            $"{instance}/raiseEvent/{{eventName}}?{hub}",
            $"{instance}/terminate?reason={{text}}&{hub}",
            $"{instance}/suspend?reason={{text}}&{hub}",
            $"{instance}/resume?reason={{text}}&{hub}",
            $"{instance}?{hub}");
    }

    public static StatusPayload Status(OrchestrationMetadata metadata, bool showInput)
        => new(
            metadata.Name,
            metadata.InstanceId,
            metadata.RuntimeStatus.ToString(),
            showInput ? Parse(metadata.SerializedInput) : null,
            Parse(metadata.SerializedCustomStatus),
            metadata.FailureDetails is { } failure && metadata.SerializedOutput is null ? failure.ErrorMessage : Parse(metadata.SerializedOutput),
            Time(metadata.CreatedAt),
            Time(metadata.LastUpdatedAt));

    /// <summary>History as Durable Functions shows it: one entry per event, activity names on their completions.</summary>
    public static JsonArray History(IReadOnlyList<HistoryEvent> events, bool showOutput)
    {
        // Task ids come from one sequence per execution: activities and sub-orchestrations never share one.
        var names = events.OfType<TaskScheduled>().Select(e => (e.TaskId, e.Name, e.Timestamp))
            .Concat(events.OfType<SubOrchestrationInstanceCreated>().Select(e => (e.TaskId, e.Name, e.Timestamp)))
            .ToDictionary(e => e.TaskId, e => (e.Name, e.Timestamp));
        var array = new JsonArray();
        foreach (var historyEvent in events)
        {
            if (historyEvent is OrchestratorStarted)
            {
                continue;
            }

            var entry = new JsonObject { ["EventType"] = historyEvent.GetType().Name };
            void Completed(int taskId, string? result)
            {
                entry["FunctionName"] = names.TryGetValue(taskId, out var task) ? task.Name : null;
                entry["ScheduledTime"] = names.TryGetValue(taskId, out var scheduledTask) ? Time(scheduledTask.Timestamp) : null;
                AddOutput(entry, "Result", result, showOutput);
            }

            void Failed(int taskId, TaskFailureDetails failure)
            {
                entry["FunctionName"] = names.TryGetValue(taskId, out var task) ? task.Name : null;
                entry["Reason"] = failure.ErrorMessage;
            }

            switch (historyEvent)
            {
                case ExecutionStarted started:
                    entry["FunctionName"] = started.Name;
                    AddOutput(entry, "Input", started.Input, showOutput);
                    break;
                case TaskScheduled task:
                    entry["FunctionName"] = task.Name;
                    break;
                case TaskCompleted completed:
                    Completed(completed.TaskScheduledId, completed.Result);
                    break;
                case TaskFailed failed:
                    Failed(failed.TaskScheduledId, failed.Failure);
                    break;
                case TimerCreated timer:
                    entry["FireAt"] = Time(timer.FireAt);
                    break;
                case TimerFired fired:
                    entry["FireAt"] = Time(fired.FireAt);
                    break;
                case EventRaised raised:
                    entry["Name"] = raised.Name;
                    AddOutput(entry, "Input", raised.Input, showOutput);
                    break;
                case EventSent sent:
                    entry["Name"] = sent.Name;
                    entry["InstanceId"] = sent.InstanceId;
                    AddOutput(entry, "Input", sent.Input, showOutput);
                    break;
                case SubOrchestrationInstanceCreated sub:
                    entry["FunctionName"] = sub.Name;
                    entry["InstanceId"] = sub.InstanceId;
                    break;
                case SubOrchestrationInstanceCompleted subCompleted:
                    Completed(subCompleted.TaskScheduledId, subCompleted.Result);
                    break;
                case SubOrchestrationInstanceFailed subFailed:
                    Failed(subFailed.TaskScheduledId, subFailed.Failure);
                    break;
                case ExecutionSuspended suspended:
                    entry["Reason"] = suspended.Reason;
                    break;
                case ExecutionResumed resumed:
                    entry["Reason"] = resumed.Reason;
                    break;
                case ExecutionTerminated terminated:
                    AddOutput(entry, "Result", terminated.Output, showOutput);
                    break;
                case ExecutionCompleted completedExecution:
                    entry["OrchestrationStatus"] = completedExecution.Status.ToString();
                    AddOutput(entry, "Result", completedExecution.Result, showOutput);
                    if (completedExecution.Failure is { } failure)
                    {
                        entry["Reason"] = failure.ErrorMessage;
                    }

                    break;
            }

            entry["Timestamp"] = Time(historyEvent.Timestamp);
            array.Add(entry);
        }

        return array;
    }

    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    public static JsonNode? Parse(string? json)
    {
        if (json is null)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(json);
        }
        catch (System.Text.Json.JsonException)
        {
            return JsonValue.Create(json);
        }
    }

    private static void AddOutput(JsonObject entry, string name, string? json, bool show)
    {
        if (show)
        {
            entry[name] = Parse(json);
        }
    }
}
