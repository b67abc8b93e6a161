using System.Collections.Concurrent;

namespace NotebookNN.Kernel.Engine;

/// <summary>How a cell's work ended on its thread.</summary>
internal enum CellThreadOutcome { Completed, Stopped, Abandoned }

/// <summary>
/// Runs one cell's work on a dedicated thread that can be stopped even inside <c>while (true) { }</c>. The work is
/// an async function; its continuations are posted back to the same thread through a single-threaded
/// <see cref="SynchronizationContext"/>, so code after an <c>await</c> in the cell also stays stoppable.
/// </summary>
internal static class CellThread
{
    /// <summary>Runs <paramref name="work"/>; when <paramref name="stopRequested"/> completes the thread is aborted.</summary>
    /// <param name="grace">How long to wait for an aborted thread to unwind before giving up on it (a thread inside
    /// native code, or blocked in some waits, only sees the abort when it returns to managed code).</param>
    public static async Task<CellThreadOutcome> RunAsync(Func<Task> work, Task stopRequested, TimeSpan grace, int stackSize)
    {
        var finished = new TaskCompletionSource<CellThreadOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        var abort = new CancellationTokenSource();
        var thread = new Thread(() => Run(work, abort.Token, finished), stackSize)
        {
            IsBackground = true,
            Name = "NotebookNN cell",
        };
        thread.Start();

        var outcome = finished.Task;
        if (await Task.WhenAny(outcome, stopRequested).ConfigureAwait(false) == outcome)
            return await outcome.ConfigureAwait(false);

        // Cancelling runs ControlledExecution's callback, which waits until the abort lands on the cell's thread:
        // for a thread blocked in a wait that can be never. Do it on a thread of its own so nothing else is held.
        new Thread(abort.Cancel) { IsBackground = true, Name = "NotebookNN cell stopper" }.Start();
        var graceOver = Task.Delay(grace);
        return await Task.WhenAny(outcome, graceOver).ConfigureAwait(false) == outcome
            ? await outcome.ConfigureAwait(false)
            : CellThreadOutcome.Abandoned;
    }

    private static void Run(Func<Task> work, CancellationToken stop, TaskCompletionSource<CellThreadOutcome> finished)
    {
        try
        {
            // ControlledExecution is obsolete (SYSLIB0046) because aborting a thread can leave shared state half
            // updated. It is still the only way .NET offers to stop user code that never yields (an endless loop),
            // which a notebook kernel must be able to do; the engine discards the stopped cell's script state.
#pragma warning disable SYSLIB0046
            System.Runtime.ControlledExecution.Run(() => Pump(work, stop), stop);
#pragma warning restore SYSLIB0046
            finished.TrySetResult(CellThreadOutcome.Completed);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            finished.TrySetResult(CellThreadOutcome.Stopped);
        }
        catch (Exception e)
        {
            finished.TrySetException(e);
        }
    }

    private static void Pump(Func<Task> work, CancellationToken stop)
    {
        var context = new SingleThreadContext();
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(context);
        try
        {
            var task = work();
            task.ContinueWith(_ => context.Complete(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            context.RunUntilComplete(stop);
            task.GetAwaiter().GetResult();
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
    }

    private sealed class SingleThreadContext : SynchronizationContext
    {
        private readonly BlockingCollection<(SendOrPostCallback Callback, object? State)> _queue = new();

        public override void Post(SendOrPostCallback d, object? state)
        {
            try
            {
                _queue.Add((d, state));
            }
            catch (InvalidOperationException)
            {
                // The cell is over: run the continuation elsewhere rather than losing it.
                ThreadPool.QueueUserWorkItem(_ => d(state));
            }
        }

        public override void Send(SendOrPostCallback d, object? state) => throw new NotSupportedException(
            "Synchronous Send to a notebook cell's thread is not supported; use Post (await) instead.");

        public override SynchronizationContext CreateCopy() => this;

        public void Complete() => _queue.CompleteAdding();

        public void RunUntilComplete(CancellationToken stop)
        {
            foreach (var (callback, state) in _queue.GetConsumingEnumerable(stop))
                callback(state);
        }
    }
}
