using System.Collections.Concurrent;
using System.Text;
using NetMQ;
using NetMQ.Sockets;

namespace NotebookNN.Kernel.Jupyter;

/// <summary>
/// The iopub broadcast channel. Outputs come from the shell thread, the control thread and whatever thread the
/// engine runs user code on, but a ZeroMQ socket must be used by one thread only, so every message is queued
/// and one thread owns the publisher socket and sends them in order.
/// </summary>
public sealed class IOPubChannel : IMessagePublisher, IDisposable
{
    private readonly BlockingCollection<JupyterMessage> _queue = new();
    private readonly WireCodec _codec;
    private readonly Thread _thread;
    private readonly ManualResetEventSlim _bound = new();
    private Exception? _bindError;

    /// <summary>Binds a publisher socket on <paramref name="endpoint"/> and starts the sending thread.</summary>
    public IOPubChannel(string endpoint, WireCodec codec)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(endpoint);
        ArgumentNullException.ThrowIfNull(codec);
        _codec = codec;
        _thread = new Thread(() => Run(endpoint)) { IsBackground = true, Name = "jupyter-iopub" };
        _thread.Start();
        _bound.Wait();
        if (_bindError is not null)
            throw new InvalidOperationException($"Could not bind the iopub socket on {endpoint}: {_bindError.Message}", _bindError);
    }

    /// <summary>Queues <paramref name="message"/> for broadcasting; ignored once the channel is shutting down.</summary>
    public void Publish(JupyterMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        try
        {
            _queue.Add(message);
        }
        catch (InvalidOperationException)
        {
            // Adding was completed: the kernel is exiting and nobody is listening any more.
        }
    }

    private void Run(string endpoint)
    {
        PublisherSocket socket;
        try
        {
            socket = new PublisherSocket();
            socket.Options.Linger = TimeSpan.FromMilliseconds(500);
            socket.Options.SendHighWatermark = 0;
            socket.Bind(endpoint);
        }
        catch (Exception e)
        {
            _bindError = e;
            _bound.Set();
            return;
        }
        _bound.Set();
        using (socket)
        {
            foreach (var message in _queue.GetConsumingEnumerable())
            {
                // The topic frame lets subscribers filter; Jupyter clients subscribe to everything.
                var frames = _codec.Encode(message with { Identities = [Encoding.UTF8.GetBytes($"kernel.{message.MessageType}")] });
                socket.SendMultipartBytes(frames);
            }
        }
    }

    /// <summary>Sends what is queued, then closes the socket.</summary>
    public void Dispose()
    {
        _queue.CompleteAdding();
        _thread.Join(TimeSpan.FromSeconds(1));
        _bound.Dispose();
    }
}
