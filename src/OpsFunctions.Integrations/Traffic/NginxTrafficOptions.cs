using System.ComponentModel.DataAnnotations;

namespace OpsFunctions.Integrations.Traffic;

/// <summary>
/// <c>Traffic:Nginx</c>: how the nginx provider checks and applies an upstream file it wrote: the test command
/// (<c>TestCommand</c>), the reload command (<c>ReloadCommand</c>) and how long each may take (<c>Timeout</c>).
/// </summary>
/// <remarks>
/// A command is an executable and its arguments, run without a shell. Setting one replaces its default whole, so
/// give every argument, e.g. <c>"ReloadCommand": { "FileName": "nginx", "Arguments": ["-s", "reload", "-p", "/srv/nginx/"] }</c>.
/// </remarks>
public sealed class NginxTrafficOptions
{
    public const string Section = "Traffic:Nginx";

    /// <summary>Gets or sets the command that checks nginx's configuration with the new file in place; a non-zero exit undoes the change.</summary>
    /// <value><c>nginx -t</c> (<see cref="NginxTrafficConstants.DefaultTestArguments"/>).</value>
    public TrafficCommand? TestCommand { get; set; }

    /// <summary>Gets or sets the command that makes nginx load the new file.</summary>
    /// <value><c>nginx -s reload</c> (<see cref="NginxTrafficConstants.DefaultReloadArguments"/>).</value>
    public TrafficCommand? ReloadCommand { get; set; }

    /// <summary>Gets or sets how long each command may run before it is killed and the change undone.</summary>
    /// <value>10 s.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00", ErrorMessage = OptionsValidation.Between)]
    public TimeSpan Timeout { get; set; } = NginxTrafficConstants.DefaultTimeout;

    internal TrafficCommand EffectiveTestCommand => TestCommand ?? new() { Arguments = [.. NginxTrafficConstants.DefaultTestArguments] };

    internal TrafficCommand EffectiveReloadCommand => ReloadCommand ?? new() { Arguments = [.. NginxTrafficConstants.DefaultReloadArguments] };
}

/// <summary>An executable and its arguments, each passed as is (no shell, no quoting).</summary>
public sealed class TrafficCommand
{
    /// <summary>Gets or sets the executable, a path or a name looked up on PATH.</summary>
    /// <value><c>nginx</c>.</value>
    public string FileName { get; set; } = NginxTrafficConstants.DefaultFileName;

    /// <summary>Gets the arguments.</summary>
    public List<string> Arguments { get; set; } = [];

    public override string ToString() => string.Join(' ', [FileName, .. Arguments]);
}

/// <summary>The defaults of <see cref="NginxTrafficOptions"/>.</summary>
public static class NginxTrafficConstants
{
    public const string DefaultFileName = "nginx";
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);
    public static readonly IReadOnlyList<string> DefaultTestArguments = ["-t"];
    public static readonly IReadOnlyList<string> DefaultReloadArguments = ["-s", "reload"];
}

internal sealed class NginxTrafficOptionsValidator : IValidateOptions<NginxTrafficOptions>
{
    public ValidateOptionsResult Validate(string? name, NginxTrafficOptions options)
    {
        var failures = new List<string>();
        OptionsValidation.Annotations(failures, NginxTrafficOptions.Section, options);
        Command(failures, nameof(NginxTrafficOptions.TestCommand), options.TestCommand);
        Command(failures, nameof(NginxTrafficOptions.ReloadCommand), options.ReloadCommand);
        return OptionsValidation.Result(failures);
    }

    private static void Command(List<string> failures, string member, TrafficCommand? command)
    {
        if (command is not null && string.IsNullOrWhiteSpace(command.FileName))
        {
            failures.Add($"{NginxTrafficOptions.Section}:{member}:FileName {OptionsValidation.Required}");
        }
    }
}
