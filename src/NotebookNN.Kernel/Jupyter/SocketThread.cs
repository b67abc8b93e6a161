using NetMQ;

namespace NotebookNN.Kernel.Jupyter;

/// <summary>
/// A thread that owns one ZeroMQ socket from creation to disposal (NetMQ sockets are not thread-safe) and serves
/// it until told to stop. The constructor returns once the socket is bound, or throws if binding failed, so a
/// kernel that cannot listen fails at start instead of leaving a front end waiting.
/// </summary>
internal sealed class SocketThread<TSocket> where TSocket : NetMQSocket
{
    private readonly Thread _thread;
    private readonly ManualResetEventSlim _bound = new();
    private Exception? _bindError;

    /// <param name="serve">Runs on the thread with the bound socket; must return when <paramref name="stopping"/> is set.</param>
    public SocketThread(string name, Func<TSocket> create, string endpoint, Action<TSocket> serve, CancellationToken stopping)
    {
        _thread = new Thread(() =>
        {
            TSocket socket;
            try
            {
                socket = create();
                socket.Options.Linger = TimeSpan.FromMilliseconds(200);
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
                if (!stopping.IsCancellationRequested)
                    serve(socket);
            }
        })
        { IsBackground = true, Name = name };
        _thread.Start();
        _bound.Wait();
        _bound.Dispose();
        if (_bindError is not null)
            throw new InvalidOperationException($"Could not bind the {name} socket on {endpoint}: {_bindError.Message}", _bindError);
    }

    /// <summary>Waits for the thread to finish; false when it did not within <paramref name="timeout"/>.</summary>
    public bool Join(TimeSpan timeout) => _thread.Join(timeout);
}
