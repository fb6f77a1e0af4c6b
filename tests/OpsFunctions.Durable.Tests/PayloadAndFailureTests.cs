using OpsFunctions.Durable.Execution;
using OpsFunctions.Durable.History;

namespace OpsFunctions.Durable.Tests;

/// <summary>The engine's JSON conventions, failure details and retry delays, below the official types.</summary>
public sealed class PayloadAndFailureTests
{
    [Fact]
    public void JsonDataConverter_Null_ReadsAsDefault()
    {
        var converter = JsonDataConverter.Default;

        Assert.Null(converter.Serialize(null));
        Assert.Equal(0, converter.Deserialize<int>(null));
        Assert.Null(converter.Deserialize<string>(null));
    }

    [Fact]
    public void JsonDataConverter_Record_WritesCamelCaseAndReadsAnyCase()
    {
        var json = JsonDataConverter.Default.Serialize(new Greeting("hi"));

        Assert.Equal("{\"text\":\"hi\"}", json);
        Assert.Equal(new Greeting("hi"), JsonDataConverter.Default.Deserialize<Greeting>("{\"Text\":\"hi\"}"));
    }

    [Fact]
    public void FromException_TaskFailedException_KeepsTheFailureUnderneathAsInner()
    {
        var underneath = Failures.FromException(new InvalidOperationException("outer", new TimeoutException("inner")));
        var escaped = new TaskFailedException("Charge", 3, underneath);

        var details = Failures.FromException(escaped);

        Assert.Equal(typeof(TaskFailedException).FullName, details.ErrorType);
        Assert.Equal(typeof(InvalidOperationException).FullName, details.InnerFailure?.ErrorType);
        Assert.Equal(typeof(TimeoutException).FullName, details.InnerFailure?.InnerFailure?.ErrorType);
        Assert.True(underneath.IsCausedBy<InvalidOperationException>());
        Assert.True(underneath.IsCausedBy<SystemException>());
        Assert.False(underneath.IsCausedBy<TimeoutException>());
    }

    [Fact]
    public void DeserializeEvent_FailureNamingTheEnginesOldTaskFailedException_ReadsAsTheOfficialType()
    {
        const string Json = """
            {"type":"SubOrchestrationInstanceFailed","taskScheduledId":4,"failure":{"errorType":"System.InvalidOperationException","errorMessage":"outer",
             "innerFailure":{"errorType":"OpsFunctions.Durable.TaskFailedException","errorMessage":"Task 'Charge' (#0) failed"}},"timestamp":"2026-01-05T08:00:00+00:00"}
            """;

        var failed = Assert.IsType<SubOrchestrationInstanceFailed>(HistorySerializer.DeserializeEvent(Json));

        Assert.Equal(typeof(InvalidOperationException).FullName, failed.Failure.ErrorType);
        Assert.Equal(typeof(TaskFailedException).FullName, failed.Failure.InnerFailure?.ErrorType);
        Assert.True(failed.Failure.InnerFailure!.IsCausedBy<TaskFailedException>());
    }

    [Fact]
    public void GetDelay_Exponential_GrowsAndCaps()
    {
        var policy = new RetryPolicy(10, TimeSpan.FromSeconds(1), backoffCoefficient: 2, maxRetryInterval: TimeSpan.FromSeconds(5));

        Assert.Equal(
            new[] { 1d, 2, 4, 5, 5 },
            Enumerable.Range(1, 5).Select(i => RetryDelays.GetDelay(policy, i).TotalSeconds));
    }

    [Fact]
    public void GetDelay_InfiniteCap_KeepsGrowing()
    {
        var policy = new RetryPolicy(40, TimeSpan.FromSeconds(1), backoffCoefficient: 10, maxRetryInterval: Timeout.InfiniteTimeSpan);

        Assert.Equal(TimeSpan.FromSeconds(10_000), RetryDelays.GetDelay(policy, 5));
        Assert.Equal(TimeSpan.MaxValue, RetryDelays.GetDelay(policy, 30));
    }

    internal sealed record Greeting(string Text);
}
