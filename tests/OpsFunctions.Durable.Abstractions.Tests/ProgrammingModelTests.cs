using Microsoft.Extensions.DependencyInjection;
using OpsFunctions.Durable.Client;

namespace OpsFunctions.Durable.Abstractions.Tests;

public sealed class ProgrammingModelTests
{
    [Fact]
    public void DurableTaskRegistry_SameNameTwice_ThrowsNamingIt()
    {
        var registry = new DurableTaskRegistry().AddActivityFunc<int, int>("Double", (_, n) => n * 2);

        var error = Assert.Throws<ArgumentException>(() => registry.AddActivityFunc<int, int>("double", (_, n) => n));

        Assert.Contains("'double'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DurableTaskRegistry_AddOrchestratorOfT_RegistersUnderTypeNameAndResolvesDependencies()
    {
        using var services = new ServiceCollection().AddSingleton(new Greeting("hello")).BuildServiceProvider();
        var registry = new DurableTaskRegistry().AddOrchestrator<GreetingOrchestrator>();

        var orchestrator = registry.Orchestrators[nameof(GreetingOrchestrator)](services);

        Assert.Equal("hello", Assert.IsType<GreetingOrchestrator>(orchestrator).Greeting.Text);
        Assert.Equal(typeof(string), orchestrator.InputType);
    }

    [Fact]
    public void JsonDataConverter_Null_ReadsAsDefault()
    {
        var converter = JsonDataConverter.Default;

        Assert.Null(converter.Serialize(null));
        Assert.Equal(0, converter.Deserialize<int>(null));
        Assert.Null(converter.Deserialize<string>(null));
    }

    [Fact]
    public void JsonDataConverter_Record_RoundTripsInCamelCase()
    {
        var json = JsonDataConverter.Default.Serialize(new Greeting("hi"));

        Assert.Equal("{\"text\":\"hi\"}", json);
        Assert.Equal(new Greeting("hi"), JsonDataConverter.Default.Deserialize<Greeting>(json));
    }

    [Fact]
    public void TaskFailureDetails_FromException_KeepsTypeMessageAndInnerChain()
    {
        var details = TaskFailureDetails.FromException(new InvalidOperationException("outer", new TimeoutException("inner")));

        Assert.Equal(typeof(InvalidOperationException).FullName, details.ErrorType);
        Assert.Equal("outer", details.ErrorMessage);
        Assert.Equal(typeof(TimeoutException).FullName, details.InnerFailure?.ErrorType);
        Assert.True(details.IsCausedBy<InvalidOperationException>());
        Assert.True(details.IsCausedBy<SystemException>());
        Assert.False(details.IsCausedBy<TimeoutException>());
    }

    [Fact]
    public void OrchestrationMetadata_IsCompleted_OnlyForEndedStatuses()
    {
        static bool Completed(OrchestrationRuntimeStatus status) => new OrchestrationMetadata("n", "i") { RuntimeStatus = status }.IsCompleted;

        Assert.True(Completed(OrchestrationRuntimeStatus.Completed));
        Assert.True(Completed(OrchestrationRuntimeStatus.Failed));
        Assert.True(Completed(OrchestrationRuntimeStatus.Terminated));
        Assert.False(Completed(OrchestrationRuntimeStatus.ContinuedAsNew));
        Assert.False(Completed(OrchestrationRuntimeStatus.Suspended));
        Assert.False(Completed(OrchestrationRuntimeStatus.Pending));
    }

    internal sealed record Greeting(string Text);

    internal sealed class GreetingOrchestrator(Greeting greeting) : TaskOrchestrator<string, string>
    {
        public Greeting Greeting { get; } = greeting;

        public override Task<string> RunAsync(TaskOrchestrationContext context, string input) => Task.FromResult(Greeting.Text);
    }
}
