namespace NotebookNN.Kernel.Jupyter;

/// <summary>Where broadcast messages go: iopub over ZeroMQ in the kernel, a list in tests.</summary>
public interface IMessagePublisher
{
    /// <summary>Queues <paramref name="message"/> for every front end listening; never blocks on them.</summary>
    void Publish(JupyterMessage message);
}

/// <summary>
/// The channel a request came in on (shell or control), as its handler sees it: a way to answer, and the requests
/// that arrived behind it (what a failed cell's stop_on_error aborts).
/// </summary>
public interface IRequestChannel
{
    /// <summary>Sends <paramref name="reply"/> to the front end that sent its parent (routed by its identities).</summary>
    void Send(JupyterMessage reply);

    /// <summary>The requests already waiting on this channel or arriving within a short grace period, decoded, in
    /// order; they are taken off the channel and will not be delivered again.</summary>
    IReadOnlyList<JupyterMessage> TakeQueued();
}
