using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using OpsFunctions.Durable;
using OpsFunctions.Durable.Client;
using OpsFunctions.Host.Schedules;
using OpsFunctions.Operations.Schedules;
using OpsFunctions.Testing.Azure;

namespace OpsFunctions.Host.Tests;

public sealed class ScheduleTests
{
    private static readonly DateTimeOffset Eight = new(2026, 1, 5, 8, 0, 0, TimeSpan.Zero);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Occurrence_TwoHostsOnOneTaskHub_StartsOneInstance()
    {
        var clock = new FakeTimeProvider(Eight.AddSeconds(-30));
        var directory = Directory.CreateTempSubdirectory("opsfunctions-host-").FullName;
        await using (var first = await StartAsync(clock, directory, runOnStartupIfMissed: false))
        await using (var second = await StartAsync(clock, directory, runOnStartupIfMissed: false))
        {
            await AssertOneStartAsync(clock, first, second);
        }

        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task Occurrence_TwoHostsOnOneAzuriteTaskHub_StartsOneInstance()
    {
        var clock = new FakeTimeProvider(Eight.AddSeconds(-30));
        var hub = "sched" + Guid.NewGuid().ToString("N")[..10];
        await using var first = await StartAsync(clock, null, runOnStartupIfMissed: false, await AzuriteHubAsync(hub));
        await using var second = await StartAsync(clock, null, runOnStartupIfMissed: false, await AzuriteHubAsync(hub));

        await AssertOneStartAsync(clock, first, second);
    }

    [Fact]
    public async Task RunOnStartupIfMissed_SecondHostStartingLater_DoesNotStartItAgain()
    {
        var clock = new FakeTimeProvider(Eight.AddMinutes(5));
        var directory = Directory.CreateTempSubdirectory("opsfunctions-host-").FullName;
        await using var first = await StartAsync(clock, directory, runOnStartupIfMissed: true);
        var firstOutcome = await HandledAsync(Service(first), Eight);
        var instanceId = ScheduleStarter.InstanceId("report", Eight);
        await first.Client.WaitForInstanceCompletionAsync(instanceId, cancellation: Cancellation);

        await using var second = await StartAsync(clock, directory, runOnStartupIfMissed: true);
        var secondOutcome = await HandledAsync(Service(second), Eight);

        Assert.True(firstOutcome.Started);
        Assert.False(secondOutcome.Started);
        var history = await first.Services.GetRequiredService<Durable.Storage.IDurableStore>().ReadHistoryAsync(instanceId, Cancellation);
        Assert.Single(history.OfType<Durable.History.ExecutionStarted>());
        Assert.Equal(OrchestrationRuntimeStatus.Completed, (await first.Client.GetInstanceAsync(instanceId, cancellation: Cancellation))!.RuntimeStatus);
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public void InstanceId_ScheduleAndOccurrence_IsStableAndReadable()
    {
        Assert.Equal("schedule-report-20260105T080000Z", ScheduleStarter.InstanceId("report", Eight));
        Assert.Equal("schedule-report-20260105T080000Z", ScheduleStarter.InstanceId("report", Eight.ToOffset(TimeSpan.FromHours(2))));
    }

    [Theory]
    [InlineData("0 8 * * *", "Cron")]
    [InlineData("0 0 25 * * *", "Cron")]
    [InlineData(null, "Cron")]
    public void Validate_BadSchedule_NamesTheScheduleAndField(string? cron, string field)
    {
        var options = new ScheduleOptions();
        options.Schedules["nightly"] = new ScheduleDefinition { Cron = cron, Orchestrator = "SampleWorkflow" };

        var result = CreateValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains($"Schedules:nightly:{field}", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UnknownTimeZoneAndMissingOrchestrator_ReportsBoth()
    {
        var options = new ScheduleOptions();
        options.Schedules["nightly"] = new ScheduleDefinition { Cron = "0 0 2 * * *", TimeZone = "Mars/Olympus" };

        var result = CreateValidator().Validate(null, options);

        Assert.Contains("Schedules:nightly:TimeZone", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Schedules:nightly:Orchestrator", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UnregisteredOrchestrator_NamesIt()
    {
        var options = new ScheduleOptions();
        options.Schedules["nightly"] = new ScheduleDefinition { Cron = "0 0 2 * * *", Orchestrator = "NoSuchWorkflow" };

        var result = CreateValidator().Validate(null, options);

        Assert.Contains("Schedules:nightly:Orchestrator 'NoSuchWorkflow' is not registered", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_GoodSchedule_Succeeds()
    {
        var options = new ScheduleOptions();
        options.Schedules["nightly"] = new ScheduleDefinition { Cron = "0 30 2 * * 1-5", Orchestrator = "SampleWorkflow", TimeZone = "Europe/Berlin" };

        Assert.True(CreateValidator().Validate(null, options).Succeeded);
    }

    [Fact]
    public async Task StartAsync_BadCronInConfiguration_FailsStartUpNamingIt()
    {
        var settings = RunningHost.DefaultSettings();
        settings["Schedules:broken:Cron"] = "every day";
        settings["Schedules:broken:Orchestrator"] = "SampleWorkflow";

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => RunningHost.StartAsync(settings, cancellationToken: Cancellation));

        Assert.Contains("Schedules:broken:Cron", failure.Message, StringComparison.Ordinal);
    }

    /// <summary>Fires the 08:00 occurrence on two hosts of one task hub and checks that exactly one instance ran.</summary>
    private static async Task AssertOneStartAsync(FakeTimeProvider clock, RunningHost first, RunningHost second)
    {
        var services = new[] { Service(first), Service(second) };
        var handled = services.Select(s => HandledAsync(s, Eight)).ToArray();
        await Task.WhenAll(services.Select(s => ArmedAsync(s, Eight)));

        clock.Advance(TimeSpan.FromSeconds(30));
        var outcomes = await Task.WhenAll(handled);

        var instanceId = ScheduleStarter.InstanceId("report", Eight);
        Assert.All(outcomes, o => Assert.Equal(instanceId, o.InstanceId));
        Assert.Single(outcomes, o => o.Started);

        // Either host may run the instance, and on the fake clock no client poll fires: read until it is done.
        var done = await CompletedAsync(first, instanceId);
        Assert.Equal("done: report", done.ReadOutputAs<string>());
        Assert.Equal(1, await second.Client.GetAllInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = "schedule-" }).CountAsync(Cancellation));
    }

    /// <summary>Reads the instance on the real clock until it has completed.</summary>
    private static Task<OrchestrationMetadata> CompletedAsync(RunningHost host, string instanceId)
        => Eventually.ReturnsAsync(
            async () => await host.Client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, Cancellation) is { RuntimeStatus: OrchestrationRuntimeStatus.Completed } instance ? instance : null,
            $"'{instanceId}' to complete");

    /// <summary>Settings that put a host on an Azurite task hub; with a fake clock, delayed messages are held in memory.</summary>
    private static async Task<Dictionary<string, string?>> AzuriteHubAsync(string hub) => new()
    {
        ["AzureWebJobsStorage"] = await Azurite.EnsureStartedAsync(),
        ["extensions:durableTask:hubName"] = hub,
    };

    private static Task<RunningHost> StartAsync(FakeTimeProvider clock, string? directory, bool runOnStartupIfMissed, Dictionary<string, string?>? storage = null)
    {
        var settings = RunningHost.DefaultSettings();
        foreach (var (key, value) in storage ?? [])
        {
            settings[key] = value;
        }

        settings["Schedules:report:Cron"] = "0 0 8 * * *";
        settings["Schedules:report:Orchestrator"] = "SampleWorkflow";
        settings["Schedules:report:Input"] = "{\"message\":\"report\"}";
        settings["Schedules:report:RunOnStartupIfMissed"] = runOnStartupIfMissed ? "true" : "false";
        return RunningHost.StartAsync(settings, services => services.AddSingleton<TimeProvider>(clock), directory, Cancellation);
    }

    private static ScheduleOptionsValidator CreateValidator()
        => new(new DurableTaskRegistry().AddOrchestratorFunc<object?, string>("SampleWorkflow", (_, _) => "ok"));

    private static ScheduleService Service(RunningHost host) => host.Services.GetRequiredService<ScheduleService>();

    private static Task ArmedAsync(ScheduleService service, DateTimeOffset occurrence)
    {
        var armed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        service.Armed += (_, next) =>
        {
            if (next == occurrence)
            {
                armed.TrySetResult();
            }
        };
        if (service.ArmedFor("report") == occurrence)
        {
            armed.TrySetResult();
        }

        return armed.Task.WaitAsync(Cancellation);
    }

    private static Task<ScheduleOccurrence> HandledAsync(ScheduleService service, DateTimeOffset occurrence)
    {
        var handled = new TaskCompletionSource<ScheduleOccurrence>(TaskCreationOptions.RunContinuationsAsynchronously);
        service.OccurrenceHandled += o =>
        {
            if (o.Occurrence == occurrence)
            {
                handled.TrySetResult(o);
            }
        };
        if (service.RecentOccurrences.FirstOrDefault(o => o.Occurrence == occurrence) is { } already)
        {
            handled.TrySetResult(already);
        }

        return handled.Task.WaitAsync(Cancellation);
    }
}
