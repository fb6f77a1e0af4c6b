using Microsoft.DurableTask;
using OpsFunctions.Operations.Escalation;

namespace OpsFunctions.Operations.Incidents;

/// <summary>
/// A bounded history (<see cref="IncidentRevisions.BoundedHistory"/>): the incident continues as new once it has handled
/// <see cref="EventsPerExecution"/> events, carrying its record, its policy and where its ladder stood.
/// </summary>
/// <remarks>
/// <para>Alertmanager sends a firing group again every repeat interval and on every change; without an end, each delivery
/// would add to the incident's history for as long as it stays open, and every replay would read all of it.</para>
/// <para>The ladder is the incident's sub-orchestration, and Durable Functions completes an execution, a continued one too,
/// only when no sub-orchestration of it is open. So the incident asks the ladder to hand over
/// (<see cref="EscalationEvents.Handover"/>): it ends with its position, and the next execution starts it again from there
/// under the same instance id, which is all the ladder and the incident know each other by.</para>
/// <para>The incident goes on while the ladder hands over; an acknowledgement the ladder did not take in before it ended
/// goes to the ladder started again (<see cref="StartLadderAgain"/>). Events still unprocessed when it continues as new
/// wait for the next execution (ContinueAsNew keeps them, on both engines). The incident asks for the handover after a
/// quiet spell (<see cref="QuietBeforeContinuing"/> without an event), so a burst of deliveries is not also the moment
/// the ladder is away, and without one only past <see cref="MaxEventsPerExecution"/>; a handover the ladder never answers is asked for again after
/// <see cref="LadderStopTimeout"/>.</para>
/// </remarks>
public sealed partial class IncidentOrchestrator
{
    /// <summary>How many events an execution handles before it continues as new at the next quiet spell.</summary>
    public const int EventsPerExecution = 100;

    /// <summary>How many events an execution handles at most: past this it continues as new without waiting for a quiet spell.</summary>
    public const int MaxEventsPerExecution = 2 * EventsPerExecution;

    /// <summary>How long the incident must have heard nothing before it continues as new.</summary>
    public static readonly TimeSpan QuietBeforeContinuing = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Starts the ladder of a continued execution where the previous one handed it over. An acknowledgement the old ladder
    /// did not take in before it handed over (the incident is acknowledged, the position is not) goes to the new one.
    /// </summary>
    private static Task<EscalationResult> StartLadderAgain(
        TaskOrchestrationContext context, IncidentRequest input, IncidentRecord record, EscalationPolicy policy, EscalationPosition position)
    {
        var ladderId = IncidentIds.EscalationOf(record.Id);
        var ladder = context.CallSubOrchestratorAsync<EscalationResult>(
            nameof(EscalationOrchestrator),
            LadderInput(input, record, policy, position),
            new SubOrchestrationOptions(instanceId: ladderId));
        if (record.State == IncidentState.Acknowledged && position.Mode != EscalationMode.Acknowledged)
        {
            context.SendEvent(ladderId, EscalationEvents.Acknowledged, new EscalationAction(record.AcknowledgedBy));
        }

        return ladder;
    }

    private static IncidentOutcome ContinueAsNew(
        TaskOrchestrationContext context, IncidentRequest input, IncidentRecord record, EscalationPolicy policy, EscalationPosition? ladder)
    {
        // The opening alerts are in the record now; the request keeps only what names the incident.
        context.ContinueAsNew(
            input with
            {
                Alerts = [],
                Continuation = new IncidentContinuation
                {
                    Record = record,
                    Policy = policy,
                    Ladder = ladder,
                    Executions = (input.Continuation?.Executions ?? 0) + 1,
                },
            },
            preserveUnprocessedEvents: true);
        return new IncidentOutcome { Id = record.Id, State = record.State, AcknowledgedBy = record.AcknowledgedBy };
    }

    /// <summary>
    /// Counts the events an execution handles and keeps its two timers: the quiet spell it waits for once it has handled
    /// <see cref="EventsPerExecution"/>, and the patience it gives the ladder to hand over. Disposing cancels both: an open
    /// timer would hold the execution open on Durable Functions.
    /// </summary>
    private sealed class HistoryBound(TaskOrchestrationContext context) : IDisposable
    {
        private CancellationTokenSource? _quietCancellation;
        private CancellationTokenSource? _patienceCancellation;
        private int _events;
        private DateTimeOffset _lastEvent;

        /// <summary>Gets the timer that fires when the quiet spell may be over; <see langword="null"/> while none is needed.</summary>
        public Task? Quiet { get; private set; }

        /// <summary>Gets the timer after which a handover the ladder has not answered is asked for again.</summary>
        public Task? Patience { get; private set; }

        /// <summary>Gets the timers the incident's loop waits for besides its events.</summary>
        public IEnumerable<Task> Timers => new[] { Quiet, Patience }.OfType<Task>();

        /// <summary>Counts one turn of the incident's loop; returns whether the execution should continue as new now.</summary>
        public bool Due(IReadOnlyList<Task> waits, DateTimeOffset now)
        {
            var (quiet, patience) = (Quiet, Patience);
            if (quiet is { IsCompleted: true })
            {
                Cancel(ref _quietCancellation);
                Quiet = null;
            }

            if (patience is { IsCompleted: true })
            {
                // The ladder did not answer (a handover can be lost, see the remarks): ask again.
                Cancel(ref _patienceCancellation);
                Patience = null;
            }

            // Waits the turn cancelled are not events; the timers are not either.
            if (waits.Any(w => w != quiet && w != patience && w is { IsCompleted: true, IsCanceled: false }))
            {
                _events++;
                _lastEvent = now;
            }

            if (Patience is not null || _events < EventsPerExecution)
            {
                return false;
            }

            if (_events >= MaxEventsPerExecution || now >= _lastEvent + QuietBeforeContinuing)
            {
                Cancel(ref _quietCancellation);
                Quiet = null;
                return true;
            }

            if (Quiet is null)
            {
                _quietCancellation = new CancellationTokenSource();
                Quiet = context.CreateTimer((_lastEvent + QuietBeforeContinuing).UtcDateTime, _quietCancellation.Token);
            }

            return false;
        }

        /// <summary>Notes that the ladder was asked to hand over, and gives it <see cref="LadderStopTimeout"/> to answer.</summary>
        public void HandoverRequested(DateTimeOffset now)
        {
            _patienceCancellation = new CancellationTokenSource();
            Patience = context.CreateTimer((now + LadderStopTimeout).UtcDateTime, _patienceCancellation.Token);
        }

        public void Dispose()
        {
            Cancel(ref _quietCancellation);
            Cancel(ref _patienceCancellation);
            Quiet = null;
            Patience = null;
        }

        private static void Cancel(ref CancellationTokenSource? cancellation)
        {
            if (cancellation is null)
            {
                return;
            }

#pragma warning disable VSTHRD103, CA1849 // Cancel synchronously: CancelAsync would continue off the replay scheduler.
            cancellation.Cancel();
#pragma warning restore VSTHRD103, CA1849
            cancellation.Dispose();
            cancellation = null;
        }
    }
}
