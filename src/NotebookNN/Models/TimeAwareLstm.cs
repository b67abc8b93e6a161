using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NotebookNN.Models;

/// <summary>
/// An LSTM cell whose forget gate also sees the time elapsed since each event, written out gate by gate so its
/// gradients can be checked numerically:
/// <code>
/// i = σ(W_i x + U_i h + b_i)
/// f = σ(W_f x + U_f h + b_f + w_t ⊙ Δt)      ← the time-aware forget gate
/// g = tanh(W_g x + U_g h + b_g)
/// o = σ(W_o x + U_o h + b_o)
/// c' = f ⊙ c + i ⊙ g,   h' = o ⊙ tanh(c')
/// </code>
/// With a negative learned <c>w_t</c>, a long gap drives <c>f</c> towards 0 and the cell forgets what came before;
/// Δt enters linearly, so give it a unit-sized scale (e.g. divide by the typical gap).
/// </summary>
public sealed class TimeAwareLstmCell : nn.Module
{
    readonly Parameter weight_ih;
    readonly Parameter weight_hh;
    readonly Parameter bias;
    readonly Parameter time_weight;

    /// <summary>Creates the cell with PyTorch's LSTM initialisation, U(-1/√H, 1/√H), for every parameter.</summary>
    public TimeAwareLstmCell(int inputSize, int hiddenSize) : base(nameof(TimeAwareLstmCell))
    {
        Checks.AtLeast(inputSize, 1, nameof(inputSize));
        Checks.AtLeast(hiddenSize, 1, nameof(hiddenSize));
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        double bound = 1.0 / Math.Sqrt(hiddenSize);
        weight_ih = new Parameter(empty(4L * hiddenSize, inputSize).uniform_(-bound, bound));
        weight_hh = new Parameter(empty(4L * hiddenSize, hiddenSize).uniform_(-bound, bound));
        bias = new Parameter(empty(4L * hiddenSize).uniform_(-bound, bound));
        time_weight = new Parameter(empty(hiddenSize).uniform_(-bound, bound));
        RegisterComponents();
    }

    /// <summary>Features per event.</summary>
    public int InputSize { get; }

    /// <summary>Hidden units.</summary>
    public int HiddenSize { get; }

    /// <summary>The per-unit weight of Δt in the forget gate (<c>w_t</c>).</summary>
    public Parameter TimeWeight => time_weight;

    /// <summary>One step: <paramref name="x"/> <c>[B, F]</c>, <paramref name="dt"/> <c>[B]</c> or <c>[B, 1]</c>,
    /// state <c>[B, H]</c> each; returns the new (h, c).</summary>
    public (Tensor H, Tensor C) Step(Tensor x, Tensor dt, Tensor h, Tensor c)
    {
        var gates = nn.functional.linear(x, weight_ih, bias) + nn.functional.linear(h, weight_hh);
        var chunks = gates.chunk(4, 1);
        var dtColumn = dt.dim() == 1 ? dt.unsqueeze(1) : dt;
        var input = torch.sigmoid(chunks[0]);
        var forget = torch.sigmoid(chunks[1] + time_weight * dtColumn);
        var candidate = torch.tanh(chunks[2]);
        var outputGate = torch.sigmoid(chunks[3]);
        var cNext = forget * c + input * candidate;
        var hNext = outputGate * torch.tanh(cNext);
        return (hNext, cNext);
    }
}

/// <summary>
/// The <see cref="TimeAwareLstmCell"/> looped over a sequence. Input <c>[B, T, F + 1]</c>: F event features and, in
/// the last channel, the time since the previous event. Output <c>[B, T, H]</c> when
/// <see cref="ReturnSequences"/>, else the last step's <c>[B, H]</c>.
/// </summary>
public sealed class TimeAwareLstm : nn.Module<Tensor, Tensor>
{
    readonly TimeAwareLstmCell cell;

    /// <summary>Creates the layer.</summary>
    /// <param name="inputSize">Event features F (not counting the time channel).</param>
    /// <param name="hiddenSize">Hidden units H.</param>
    /// <param name="returnSequences">Return every step's hidden state instead of the last one.</param>
    public TimeAwareLstm(int inputSize, int hiddenSize, bool returnSequences = false) : base(nameof(TimeAwareLstm))
    {
        cell = new TimeAwareLstmCell(inputSize, hiddenSize);
        ReturnSequences = returnSequences;
        RegisterComponents();
    }

    /// <summary>The cell this layer loops.</summary>
    public TimeAwareLstmCell Cell => cell;

    /// <summary>Whether every step's hidden state is returned.</summary>
    public bool ReturnSequences { get; }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        if (input.dim() != 3 || input.shape[2] != cell.InputSize + 1)
            throw new ArgumentException(
                $"TimeAwareLstm takes [batch, time, {cell.InputSize} features + 1 time-gap channel], but got shape " +
                $"{Checks.Shape(input)}. Concatenate the time since the previous event as the last channel " +
                "(torch.cat([events, dt.unsqueeze(-1)], -1)), or call Forward(events, dt).", nameof(input));
        return Forward(input.narrow(2, 0, cell.InputSize), input.select(2, cell.InputSize));
    }

    /// <summary>Runs the sequence: <paramref name="events"/> <c>[B, T, F]</c>, <paramref name="dt"/> <c>[B, T]</c>.</summary>
    public Tensor Forward(Tensor events, Tensor dt)
    {
        if (events.dim() != 3 || events.shape[2] != cell.InputSize)
            throw new ArgumentException($"'events' must be [batch, time, {cell.InputSize}], but has shape {Checks.Shape(events)}.", nameof(events));
        if (dt.dim() != 2 || dt.shape[0] != events.shape[0] || dt.shape[1] != events.shape[1])
            throw new ArgumentException(
                $"'dt' must be [batch, time] = [{events.shape[0]}, {events.shape[1]}] to match 'events', but has shape {Checks.Shape(dt)}.",
                nameof(dt));
        using var scope = NewDisposeScope();
        long batch = events.shape[0], time = events.shape[1];
        var h = zeros(batch, cell.HiddenSize, dtype: events.dtype, device: events.device);
        var c = zeros(batch, cell.HiddenSize, dtype: events.dtype, device: events.device);
        var outputs = ReturnSequences ? new List<Tensor>((int)time) : null;
        for (long t = 0; t < time; t++)
        {
            (h, c) = cell.Step(events.select(1, t), dt.select(1, t), h, c);
            outputs?.Add(h);
        }
        return scope.MoveToOuter(outputs is null ? h : stack(outputs, 1));
    }
}

/// <summary>A <see cref="TimeAwareLstm"/> followed by a dense output layer on the last hidden state.</summary>
public sealed class TimeAwareLstmClassifier : nn.Module<Tensor, Tensor>
{
    readonly TimeAwareLstm lstm;
    readonly Linear output;
    readonly OutputHead _head;

    /// <summary>Creates the classifier for <c>[B, T, F + 1]</c> inputs (time gap in the last channel).</summary>
    public TimeAwareLstmClassifier(int inputSize, int hiddenSize, int outputs, OutputHead head = OutputHead.Logits)
        : base(nameof(TimeAwareLstmClassifier))
    {
        Checks.AtLeast(outputs, 1, nameof(outputs));
        Layers.Head(head, outputs);
        _head = head;
        lstm = new TimeAwareLstm(inputSize, hiddenSize);
        output = nn.Linear(hiddenSize, outputs);
        RegisterComponents();
    }

    /// <summary>The recurrent layer.</summary>
    public TimeAwareLstm Lstm => lstm;

    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => Layers.ApplyHead(output.call(lstm.call(input)), _head);
}
