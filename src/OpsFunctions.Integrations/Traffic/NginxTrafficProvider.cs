using System.Text;
using OpsFunctions.Integrations.Processes;

namespace OpsFunctions.Integrations.Traffic;

/// <summary>
/// Writes a service's upstream block into its file atomically, runs nginx's test and reload commands, and confirms
/// the file on disk is what it wrote. A failed test or reload (or a cancellation before the reload) puts the previous
/// file back, or removes the file when there was none, so nginx's next reload does not pick up a change that failed.
/// </summary>
internal sealed partial class NginxTrafficProvider(IOptionsMonitor<NginxTrafficOptions> options, TimeProvider time, ILogger<NginxTrafficProvider> logger)
{
    // One change at a time: a reload applies every file, so two changes interleaving could test one and reload both.
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task<TrafficChange> ApplyAsync(TrafficTarget target, IReadOnlyList<TrafficBackend> backends, CancellationToken cancellationToken)
    {
        var path = Path.GetFullPath(target.ConfigFile!);
        var content = Encoding.UTF8.GetBytes(NginxUpstream.Render(target.Upstream, backends));
        var what = $"nginx upstream {target.Upstream} in {path} ({NginxUpstream.Describe(backends)})";
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            byte[]? previous;
            try
            {
                previous = File.Exists(path) ? await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false) : null;
                await AtomicFile.WriteAsync(path, content, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                return new TrafficChange(false, what, $"could not write {path}: {exception.Message}");
            }

            var settings = options.CurrentValue;
            var testCommand = settings.EffectiveTestCommand;
            CommandResult test;
            try
            {
                test = await CommandRunner.RunAsync(testCommand.FileName, testCommand.Arguments, settings.Timeout, time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                await RestoreAsync(path, previous).ConfigureAwait(false);
                throw;
            }

            if (!test.Succeeded)
            {
                var restored = await RestoreAsync(path, previous).ConfigureAwait(false);
                return new TrafficChange(false, what, $"`{testCommand}` rejected the new upstream ({test.Describe()}); {restored}");
            }

            // Once the configuration has passed its test the change is carried through: a reload cut short by the
            // caller's cancellation might have signalled nginx already. The timeout still bounds it.
            var reloadCommand = settings.EffectiveReloadCommand;
            var reload = await CommandRunner.RunAsync(reloadCommand.FileName, reloadCommand.Arguments, settings.Timeout, time, CancellationToken.None).ConfigureAwait(false);
            if (!reload.Succeeded)
            {
                var restored = await RestoreAsync(path, previous).ConfigureAwait(false);
                return new TrafficChange(false, what, $"`{reloadCommand}` failed ({reload.Describe()}); {restored}");
            }

            // What nginx reads from now on: the file as it is on disk, which no other writer may have replaced.
            var onDisk = File.Exists(path) ? await File.ReadAllBytesAsync(path, CancellationToken.None).ConfigureAwait(false) : null;
            if (onDisk is null || !onDisk.AsSpan().SequenceEqual(content))
            {
                return new TrafficChange(false, what, $"after the reload {path} no longer holds what was written: another writer changed it");
            }

            return new TrafficChange(true, $"{what}: tested and reloaded");
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Puts <paramref name="previous"/> back, or deletes the file when there was none; returns what it did, for the error.</summary>
    private async Task<string> RestoreAsync(string path, byte[]? previous)
    {
        try
        {
            if (previous is null)
            {
                File.Delete(path);
                return $"{path} removed, as it did not exist before";
            }

            await AtomicFile.WriteAsync(path, previous, CancellationToken.None).ConfigureAwait(false);
            return $"the previous {path} restored";
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            LogRestoreFailed(path, exception);
            return $"restoring the previous {path} FAILED ({exception.Message}): fix it before nginx next reloads";
        }
    }

    [LoggerMessage(6102, LogLevel.Error, "Restoring the previous {ConfigFile} after a failed traffic change failed")]
    private partial void LogRestoreFailed(string configFile, Exception exception);
}
