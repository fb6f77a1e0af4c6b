using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpsFunctions.Durable.Client;
using OpsFunctions.Durable.CrashWorker;

// Usage: CrashWorker <database file> <instances> [start]
// With "start" it schedules the instances first; it then works until all of them have ended.
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: CrashWorker <database file> <instances> [start]");
    return 2;
}

var database = args[0];
var count = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
builder.Services
    .AddDurableTask(options =>
    {
        options.LockTimeout = TimeSpan.FromSeconds(2);
        options.MaxConcurrentActivities = 16;
    })
    .AddTasks(tasks => tasks.AddOrchestrator<Pipeline>().AddActivity<AddOne>().AddActivity<Multiply>())
    .UseSqlite($"Data Source={database}");
using var host = builder.Build();
await host.StartAsync();
var client = host.Services.GetRequiredService<DurableTaskClient>();

if (args.Length > 2 && args[2] == "start")
{
    for (var i = 0; i < count; i++)
    {
        await client.ScheduleNewOrchestrationInstanceAsync(nameof(Pipeline), i, new StartOrchestrationOptions($"crash-{i:D4}"));
    }

    Console.WriteLine($"scheduled {count}");
}

for (var i = 0; i < count; i++)
{
    using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
    await client.WaitForInstanceCompletionAsync($"crash-{i:D4}", cancellation: timeout.Token);
}

Console.WriteLine($"all {count} ended");
await host.StopAsync();
return 0;
