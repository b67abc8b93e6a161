using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NotebookNN.Models;

/// <summary>
/// An LSTM over a sequence followed by a dense output layer: <c>[B, T, F]</c> features (or <c>[B, T]</c> token ids
/// when built with a vocabulary) to <c>[B, C]</c> outputs from the last step, or to <c>[B, T, C]</c> per-step outputs
/// when <c>returnSequences</c> is set (Keras' <c>return_sequences=True</c>).
/// </summary>
/// <remarks>
/// For one sequence-level answer the last step's hidden state is used; for a bidirectional LSTM that is the forward
/// direction's state after the last step joined with the backward direction's state after the first, as Keras'
/// <c>Bidirectional(LSTM(...))</c> returns it. Token id 0 is embedded as zeros but still read as a step; for padded
/// batches whose padding must not influence the answer, use <see cref="BiLstmTagger"/>, which packs by length.
/// </remarks>
public sealed class LstmClassifier : nn.Module<Tensor, Tensor>
{
    readonly Embedding? embedding;
    readonly LSTM lstm;
    readonly Linear output;
    readonly OutputHead _head;
    readonly int _directions;
    readonly int _inputSize;

    /// <summary>Creates the classifier.</summary>
    /// <param name="inputSize">Features per step (or the embedding size when <paramref name="vocabularySize"/> is given).</param>
    /// <param name="hiddenSize">LSTM units per direction.</param>
    /// <param name="outputs">Output units (1 for a sigmoid/logit binary answer, C for C classes).</param>
    /// <param name="layers">Stacked LSTM layers.</param>
    /// <param name="bidirectional">Read the sequence both ways.</param>
    /// <param name="returnSequences">Output one answer per step (<c>[B, T, C]</c>) instead of per sequence.</param>
    /// <param name="vocabularySize">When given, inputs are token ids embedded into <paramref name="inputSize"/> dims
    /// (id 0 is padding).</param>
    /// <param name="dropout">Dropout between stacked LSTM layers (PyTorch's LSTM dropout).</param>
    /// <param name="head">What the output layer outputs (logits by default).</param>
    /// <param name="allowSingleUnitSoftmax">Build a softmax over one unit anyway, to demonstrate the trap.</param>
    public LstmClassifier(int inputSize, int hiddenSize, int outputs, int layers = 1, bool bidirectional = false,
        bool returnSequences = false, int? vocabularySize = null, double dropout = 0, OutputHead head = OutputHead.Logits,
        bool allowSingleUnitSoftmax = false) : base(nameof(LstmClassifier))
    {
        Checks.AtLeast(inputSize, 1, nameof(inputSize));
        Checks.AtLeast(hiddenSize, 1, nameof(hiddenSize));
        Checks.AtLeast(outputs, 1, nameof(outputs));
        Checks.AtLeast(layers, 1, nameof(layers));
        if (vocabularySize is { } v) Checks.AtLeast(v, 2, nameof(vocabularySize));
        if (!(dropout >= 0 && dropout < 1)) throw new ArgumentOutOfRangeException(nameof(dropout), dropout, "Dropout must be in [0, 1).");
        Layers.Head(head, outputs, allowSingleUnitSoftmax);
        _head = head;
        _directions = bidirectional ? 2 : 1;
        _inputSize = inputSize;
        ReturnSequences = returnSequences;
        if (vocabularySize is { } vocab) embedding = nn.Embedding(vocab, inputSize, padding_idx: 0);
        lstm = nn.LSTM(inputSize, hiddenSize, numLayers: layers, batchFirst: true, dropout: layers > 1 ? dropout : 0,
            bidirectional: bidirectional);
        output = nn.Linear(hiddenSize * _directions, outputs);
        RegisterComponents();
    }

    /// <summary>Whether the model outputs one answer per step.</summary>
    public bool ReturnSequences { get; }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        var x = Embed(input);
        if (ReturnSequences)
            return Layers.ApplyHead(output.call(LstmGradMode.Run(() => LastLayerSequence(x))), _head);
        return Layers.ApplyHead(output.call(LstmGradMode.Run(() => LastHidden(x))), _head);
    }

    Tensor LastLayerSequence(Tensor x)
    {
        var (sequence, hidden, cell) = lstm.call(x, null);
        hidden.Dispose();
        cell.Dispose();
        return sequence;
    }

    Tensor LastHidden(Tensor x)
    {
        var (sequence, hidden, cell) = lstm.call(x, null);
        sequence.Dispose();
        cell.Dispose();
        // hidden: [layers * directions, B, H]; the last layer's directions, side by side.
        using (hidden)
            return hidden.narrow(0, hidden.shape[0] - _directions, _directions).permute(1, 0, 2).reshape(hidden.shape[1], -1);
    }

    Tensor Embed(Tensor input)
    {
        if (embedding is not null)
        {
            if (input.dim() != 2 || torch.is_floating_point(input))
                throw new ArgumentException(
                    $"This LSTM embeds token ids: pass an int64 tensor [batch, time], not dtype {input.dtype} shape {Checks.Shape(input)}.",
                    nameof(input));
            return embedding.call(input);
        }
        if (input.dim() != 3 || input.shape[2] != _inputSize)
            throw new ArgumentException(
                $"This LSTM takes [batch, time, {_inputSize}] features, but the input has shape {Checks.Shape(input)}" +
                (input.dim() == 2 ? ": add a feature axis with unsqueeze(-1) for one feature per step." : "."),
                nameof(input));
        return input;
    }
}
