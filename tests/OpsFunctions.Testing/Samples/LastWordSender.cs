namespace OpsFunctions.Testing.Samples;

/// <summary>
/// An orchestration whose last act, before continuing as new and before completing, is to send an event to
/// <see cref="ReceiverId"/>, which waits for two: both must arrive, on every store.
/// </summary>
public static class LastWordSender
{
    /// <summary>The receiving instance's id.</summary>
    public const string ReceiverId = "receiver";

    /// <summary>What the receiver returns once both events arrived.</summary>
    public const string ExpectedOutput = "round 0,round 1";

    /// <summary>Registers "Receiver" and "Sender" (input: the round, 0 to start).</summary>
    /// <param name="tasks">The registry.</param>
    /// <returns>The registry.</returns>
    public static DurableTaskRegistry AddLastWordSender(this DurableTaskRegistry tasks) => tasks
        .AddOrchestratorFunc<string>("Receiver", async context =>
            await context.WaitForExternalEvent<string>("go") + "," + await context.WaitForExternalEvent<string>("go"))
        .AddOrchestratorFunc<int, string>("Sender", (context, round) =>
        {
            context.SendEvent(ReceiverId, "go", $"round {round}");
            if (round == 0)
            {
                context.ContinueAsNew(1);
            }

            return Task.FromResult("done");
        });
}
