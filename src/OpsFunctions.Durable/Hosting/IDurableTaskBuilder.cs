using Microsoft.Extensions.DependencyInjection;

namespace OpsFunctions.Durable;

/// <summary>
/// What <c>AddDurableTask</c> returns: where tasks and a store are added.
/// </summary>
public interface IDurableTaskBuilder
{
    /// <summary>Gets the service collection.</summary>
    IServiceCollection Services { get; }
}
