using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpsFunctions.Durable;
using OpsFunctions.Durable.Client;
using OpsFunctions.Durable.CrashWorker;
using OpsFunctions.Testing.Azure;

// Usage: CrashWorker <database file | azurite:hub> <instances> [start [--crash]] [--progress]
// With "start" it schedules the instances first; it then works until all of them have ended. With --crash it kills
// itself at the first activity of the last instance it scheduled: mid-run whatever the machine's speed, since that
// instance, at least, is unfinished.
// With --progress it prints "progress N" (activities this process ran) every 100 ms.
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: CrashWorker <database file | azurite:hub> <instances> [start [--crash]] [--progress]");
    return 2;
}

var target = args[0];
var count = int.Parse(args[1], CultureInfo.InvariantCulture);
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
var onAzurite = target.StartsWith("azurite:", StringComparison.Ordinal);
var engine = builder.Services
    .AddDurableTask(options =>
    {
        // On Azure Storage the lease is also the queue invisibility that renewals must keep up with on a loaded
        // machine: keep the default there. SQLite leases live in the database, so a short one only speeds recovery.
        if (!onAzurite)
        {
            options.LockTimeout = TimeSpan.FromSeconds(2);
        }

        options.MaxConcurrentActivities = 16;
        if (onAzurite)
        {
            options.HubName = target["azurite:".Length..];
        }
    })
    .AddTasks(tasks => tasks.AddOrchestrator<Pipeline>().AddActivity<AddOne>().AddActivity<Multiply>());
if (onAzurite)
{
    engine.UseAzureStorage(Azurite.ConnectionString);
}
else
{
    engine.UseSqlite($"Data Source={target}");
}

using var host = builder.Build();
await host.StartAsync();
var client = host.Services.GetRequiredService<DurableTaskClient>();

if (args.Contains("start"))
{
    // The last instance runs no activity before it is scheduled, so every instance exists when the crash comes.
    if (args.Contains("--crash"))
    {
        Pipeline.CrashAt = $"crash-{count - 1:D4}";
    }

    for (var i = 0; i < count; i++)
    {
        await client.ScheduleNewOrchestrationInstanceAsync(nameof(Pipeline), i, new StartOrchestrationOptions($"crash-{i:D4}"));
    }

    Console.WriteLine($"scheduled {count}");
}

using var stopProgress = new CancellationTokenSource();
var progress = args.Contains("--progress") ? ReportProgressAsync(stopProgress.Token) : Task.CompletedTask;
for (var i = 0; i < count; i++)
{
    using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
    await client.WaitForInstanceCompletionAsync($"crash-{i:D4}", cancellation: timeout.Token);
}

await stopProgress.CancelAsync();
await progress;
Console.WriteLine($"all {count} ended; progress {Pipeline.ActivitiesRun}");
await host.StopAsync();
return 0;

static async Task ReportProgressAsync(CancellationToken cancellationToken)
{
    try
    {
        while (true)
        {
            Console.WriteLine($"progress {Pipeline.ActivitiesRun}");
            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }
    }
    catch (OperationCanceledException)
    {
    }
}
