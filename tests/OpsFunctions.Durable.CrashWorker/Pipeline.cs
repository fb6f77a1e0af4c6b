using OpsFunctions.Durable;

namespace OpsFunctions.Durable.CrashWorker;

/// <summary>
/// A chain of five activities then a fan-out of ten: long enough to be killed in the middle, with an
/// output that tells whether every step ran exactly once into history.
/// </summary>
public sealed class Pipeline : TaskOrchestrator<int, long>
{
    /// <summary>How many activities one instance schedules.</summary>
    public const int ActivityCount = 15;

    private static int _activitiesRun;

    /// <summary>Gets how many activities this process has run.</summary>
    public static int ActivitiesRun => Volatile.Read(ref _activitiesRun);

    /// <summary>The output <see cref="Pipeline"/> must produce for <paramref name="input"/>.</summary>
    public static long Expected(int input) => (input + 5L) * 55;

    /// <summary>Gets or sets the instance whose first activity kills this process with SIGKILL; none when null.</summary>
    public static string? CrashAt { get; set; }

    /// <summary>Counts one activity run by this process, or kills the process when the activity is <see cref="CrashAt"/>'s.</summary>
    public static void CountActivity(TaskActivityContext context)
    {
        if (context.InstanceId == CrashAt)
        {
            // Everything else this process is doing stops where it is, as under an outside kill -9.
            Console.Out.Flush();
            System.Diagnostics.Process.GetCurrentProcess().Kill();
        }

        Interlocked.Increment(ref _activitiesRun);
    }

    public override async Task<long> RunAsync(TaskOrchestrationContext context, int input)
    {
        long value = input;
        for (var i = 0; i < 5; i++)
        {
            value = await context.CallActivityAsync<long>(nameof(AddOne), value);
        }

        var parts = await Task.WhenAll(Enumerable.Range(1, 10).Select(factor => context.CallActivityAsync<long>(nameof(Multiply), new[] { value, factor })));
        return parts.Sum();
    }
}

public sealed class AddOne : TaskActivity<long, long>
{
    public override async Task<long> RunAsync(TaskActivityContext context, long input)
    {
        await Task.Delay(TimeSpan.FromMilliseconds(5));
        Pipeline.CountActivity(context);
        return input + 1;
    }
}

public sealed class Multiply : TaskActivity<long[], long>
{
    public override async Task<long> RunAsync(TaskActivityContext context, long[] input)
    {
        await Task.Delay(TimeSpan.FromMilliseconds(5));
        Pipeline.CountActivity(context);
        return input[0] * input[1];
    }
}
