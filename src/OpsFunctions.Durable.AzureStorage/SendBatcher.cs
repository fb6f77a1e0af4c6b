namespace OpsFunctions.Durable.AzureStorage;

/// <summary>
/// Coalesces concurrent sends to one queue into shared queue messages: while one send is in flight, the parts that
/// arrive wait and go together in the next. Queue operations, not bytes, limit a storage account's throughput.
/// </summary>
/// <typeparam name="T">The engine message type.</typeparam>
/// <param name="send">Sends parts as one queue message; returns it when this host holds it.</param>
/// <param name="hold">Keeps a held queue message and its messages for this host's workers.</param>
internal sealed class SendBatcher<T>(
    Func<EnvelopePart[], string, Task<PhysicalMessage?>> send,
    Action<PhysicalMessage, IReadOnlyList<(T Message, string? Incarnation)>> hold)
{
    private const int MaxParts = 32;
    private const int MaxChars = AzureStorageConstants.MaxQueueMessageBytes / 2;

    private readonly Lock _gate = new();
    private readonly Queue<Item> _pending = new();
    private bool _flushing;

    /// <summary>Sends the messages, sharing queue messages with concurrent callers; completes when all are in the queue.</summary>
    public Task SendAsync(IReadOnlyList<(T Message, string? Incarnation, EnvelopePart Part, string InstanceId)> messages)
    {
        if (messages.Count == 0)
        {
            return Task.CompletedTask;
        }

        var request = new Request(messages.Count);
        bool start;
        lock (_gate)
        {
            foreach (var message in messages)
            {
                _pending.Enqueue(new Item(message.Message, message.Incarnation, message.Part, message.InstanceId, request));
            }

            start = !_flushing;
            _flushing = true;
        }

        if (start)
        {
            _ = Task.Run(FlushAsync);
        }

        return request.Done.Task;
    }

    private async Task FlushAsync()
    {
        while (true)
        {
            var batch = new List<Item>(MaxParts);
            lock (_gate)
            {
                var chars = 0;
                while (_pending.Count > 0 && batch.Count < MaxParts)
                {
                    var next = _pending.Peek();
                    var size = Size(next.Part);
                    if (batch.Count > 0 && chars + size > MaxChars)
                    {
                        break;
                    }

                    batch.Add(_pending.Dequeue());
                    chars += size;
                }

                if (batch.Count == 0)
                {
                    _flushing = false;
                    return;
                }
            }

            try
            {
                var physical = await send([.. batch.Select(i => i.Part)], batch[0].InstanceId).ConfigureAwait(false);
                if (physical is not null)
                {
                    hold(physical, [.. batch.Select(i => (i.Message, i.Incarnation))]);
                }

                foreach (var item in batch)
                {
                    if (Interlocked.Decrement(ref item.Request.Remaining) == 0)
                    {
                        item.Request.Done.TrySetResult();
                    }
                }
            }
            catch (Exception exception)
            {
                foreach (var item in batch)
                {
                    item.Request.Done.TrySetException(exception);
                }
            }
        }
    }

    private static int Size(EnvelopePart part) => (part.Orchestration?.Length ?? 0) + (part.Activity?.Length ?? 0) + 64;

    private sealed class Request(int count)
    {
        public int Remaining = count;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed record Item(T Message, string? Incarnation, EnvelopePart Part, string InstanceId, Request Request);
}
