using Microsoft.DurableTask;
using Microsoft.Extensions.Options;

namespace OpsFunctions.Operations.Triggers;

/// <summary>
/// Checks at start-up that the orchestrator a trigger's settings name is registered, so a typo stops the host with the
/// setting's name instead of answering every delivery with an error.
/// </summary>
/// <typeparam name="TOptions">The trigger's options.</typeparam>
public sealed class RegisteredOrchestratorValidator<TOptions>(DurableTaskRegistry registry, string section, Func<TOptions, string> orchestrator)
    : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var configured = orchestrator(options);
        return string.IsNullOrWhiteSpace(configured) || registry.GetOrchestrators().Any(entry => entry.Key == new TaskName(configured))
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{section}:Orchestrator '{configured}' is not registered in this host.");
    }
}
