namespace OpsFunctions.Durable.History;

/// <summary>
/// Reads failures recorded before the engine ran the official types: they name the engine's own
/// <c>OpsFunctions.Durable.TaskFailedException</c>, which no longer exists. Read as the official type's name, the official
/// <see cref="TaskFailureDetails.IsCausedBy{T}"/> still recognizes them.
/// </summary>
internal static class LegacyFailures
{
    private const string LegacyTaskFailedException = "OpsFunctions.Durable.TaskFailedException";
    private static readonly string OfficialTaskFailedException = typeof(TaskFailedException).FullName!;

    public static HistoryEvent Upgrade(HistoryEvent historyEvent) => historyEvent switch
    {
        TaskFailed { Failure: var failure } failed when IsLegacy(failure) => failed with { Failure = Upgrade(failure) },
        SubOrchestrationInstanceFailed { Failure: var failure } failed when IsLegacy(failure) => failed with { Failure = Upgrade(failure) },
        ExecutionCompleted { Failure: { } failure } completed when IsLegacy(failure) => completed with { Failure = Upgrade(failure) },
        _ => historyEvent,
    };

    public static TaskFailureDetails Upgrade(TaskFailureDetails failure)
        => IsLegacy(failure)
            ? failure with
            {
                ErrorType = failure.ErrorType == LegacyTaskFailedException ? OfficialTaskFailedException : failure.ErrorType,
                InnerFailure = failure.InnerFailure is { } inner ? Upgrade(inner) : null,
            }
            : failure;

    private static bool IsLegacy(TaskFailureDetails? failure)
        => failure is not null && (failure.ErrorType == LegacyTaskFailedException || IsLegacy(failure.InnerFailure));
}
