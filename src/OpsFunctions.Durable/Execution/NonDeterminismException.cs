namespace OpsFunctions.Durable.Execution;

/// <summary>
/// The orchestrator code did something other than what its history records.
/// </summary>
internal sealed class NonDeterminismException : Exception
{
    public const string ErrorType = "NonDeterminismError";

    public NonDeterminismException(string message)
        : base(message)
    {
    }

    public NonDeterminismException()
    {
    }

    public NonDeterminismException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
