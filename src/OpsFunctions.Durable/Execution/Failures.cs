using CoreFailureDetails = DurableTask.Core.FailureDetails;
using CoreSubOrchestrationFailedException = DurableTask.Core.Exceptions.SubOrchestrationFailedException;
using CoreTaskFailedException = DurableTask.Core.Exceptions.TaskFailedException;

namespace OpsFunctions.Durable.Execution;

/// <summary>
/// Builds the <see cref="TaskFailureDetails"/> the engine records.
/// </summary>
internal static class Failures
{
    /// <summary>A failure the engine itself raises, e.g. an unknown activity name.</summary>
    public static TaskFailureDetails Create(string errorType, string errorMessage, string? stackTrace = null)
        => new(errorType, errorMessage, stackTrace, InnerFailure: null, Properties: null);

    /// <summary>
    /// The failure of an exception and its inner chain. Unlike the official <c>TaskFailureDetails.FromException</c>,
    /// a <see cref="TaskFailedException"/> keeps the failure of the activity or sub-orchestration as its inner failure,
    /// so an orchestration that lets one escape still says what failed underneath.
    /// </summary>
    public static TaskFailureDetails FromException(Exception exception)
        => new(
            exception.GetType().FullName ?? exception.GetType().Name,
            exception.Message,
            exception.StackTrace,
            exception switch
            {
                TaskFailedException taskFailed => taskFailed.FailureDetails,
                { InnerException: { } inner } => FromException(inner),
                _ => null,
            },
            Properties: null);

    /// <summary>
    /// The exception the official <see cref="RetryPolicy.Handle"/> expects: <c>RetryPolicy.HandleFailure</c> reads the
    /// failure from DurableTask.Core's own task or sub-orchestration exception, as Durable Functions passes it.
    /// </summary>
    public static Exception ToCoreException(TaskFailedException failure, bool subOrchestration)
        => subOrchestration
            ? new CoreSubOrchestrationFailedException(failure.Message, failure) { FailureDetails = ToCore(failure.FailureDetails) }
            : new CoreTaskFailedException(failure.Message, failure) { FailureDetails = ToCore(failure.FailureDetails) };

    /// <summary>The same failure in DurableTask.Core's shape, its inner chain included.</summary>
    public static CoreFailureDetails ToCore(TaskFailureDetails details)
        => new(
            details.ErrorType,
            details.ErrorMessage,
            details.StackTrace,
            details.InnerFailure is { } inner ? ToCore(inner) : null,
            isNonRetriable: false);
}
