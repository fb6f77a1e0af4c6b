namespace OpsFunctions.Durable;

/// <summary>
/// A failure as data: what crosses the activity and sub-orchestration boundary, and what history records.
/// </summary>
/// <param name="ErrorType">Gets the full name of the exception type, or an engine error name.</param>
/// <param name="ErrorMessage">Gets the error message.</param>
/// <param name="StackTrace">Gets the stack trace, if any.</param>
/// <param name="InnerFailure">Gets the inner failure, if any.</param>
public sealed record TaskFailureDetails(
    string ErrorType,
    string ErrorMessage,
    string? StackTrace = null,
    TaskFailureDetails? InnerFailure = null)
{
    /// <summary>Creates failure details from an exception and its inner exceptions.</summary>
    /// <param name="exception">The exception.</param>
    /// <returns>The details.</returns>
    public static TaskFailureDetails FromException(Exception exception)
    {
        if (exception is TaskFailedException taskFailed)
        {
            return new TaskFailureDetails(
                typeof(TaskFailedException).FullName!,
                taskFailed.Message,
                taskFailed.StackTrace,
                taskFailed.FailureDetails);
        }

        return new TaskFailureDetails(
            exception.GetType().FullName ?? exception.GetType().Name,
            exception.Message,
            exception.StackTrace,
            exception.InnerException is { } inner ? FromException(inner) : null);
    }

    /// <summary>Gets a value indicating whether the failure was caused by <typeparamref name="T"/> or a type derived from it.</summary>
    /// <typeparam name="T">The exception type.</typeparam>
    /// <returns><see langword="true"/> when the recorded type is <typeparamref name="T"/> or derives from it.</returns>
    public bool IsCausedBy<T>()
        where T : Exception
    {
        if (string.Equals(ErrorType, typeof(T).FullName, StringComparison.Ordinal))
        {
            return true;
        }

        var recorded = Type.GetType(ErrorType, throwOnError: false);
        return recorded is not null && typeof(T).IsAssignableFrom(recorded);
    }

    /// <inheritdoc/>
    public override string ToString() => $"{ErrorType}: {ErrorMessage}";
}
