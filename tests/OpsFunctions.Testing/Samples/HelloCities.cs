using Microsoft.Extensions.Logging;

namespace OpsFunctions.Testing.Samples;

// Function chaining as the Durable Functions documentation writes it for the .NET isolated worker (class-based, with
// the Microsoft.DurableTask types), unchanged but for the namespace: the engine must run it as Durable Functions does.
#pragma warning disable CA1848 // The documentation logs through the extension methods; kept as written.

/// <summary>The documentation's orchestrator: three activities in sequence.</summary>
[DurableTask(nameof(HelloCities))]
public class HelloCities : TaskOrchestrator<string?, List<string>>
{
    /// <inheritdoc/>
    public override async Task<List<string>> RunAsync(TaskOrchestrationContext context, string? input)
    {
        ILogger logger = context.CreateReplaySafeLogger<HelloCities>();
        logger.LogInformation("Saying hello.");
        var outputs = new List<string>
        {
            await context.CallActivityAsync<string>(nameof(SayHello), "Tokyo"),
            await context.CallActivityAsync<string>(nameof(SayHello), "Seattle"),
            await context.CallActivityAsync<string>(nameof(SayHello), "London"),
        };

        // returns ["Hello Tokyo!", "Hello Seattle!", "Hello London!"]
        return outputs;
    }
}

/// <summary>The documentation's activity, with its logger from dependency injection.</summary>
[DurableTask(nameof(SayHello))]
public class SayHello(ILogger<SayHello> logger) : TaskActivity<string, string>
{
    /// <inheritdoc/>
    public override Task<string> RunAsync(TaskActivityContext context, string cityName)
    {
        logger.LogInformation("Saying hello to {Name}", cityName);
        return Task.FromResult($"Hello {cityName}!");
    }
}
