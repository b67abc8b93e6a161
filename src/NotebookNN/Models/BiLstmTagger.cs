using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NotebookNN.Models;

/// <summary>
/// A bidirectional LSTM sequence tagger: token ids <c>[B, T]</c> (right-padded with <see cref="PaddingIndex"/>) to
/// per-token logits <c>[B, T, C]</c>. Padding is masked properly: sequences are packed by length, so the backward
/// direction starts at each sequence's last real token and no real token's logits depend on padding.
/// Padded positions get the logits of a zero hidden state; leave them out of the loss with <see cref="Mask"/>.
/// </summary>
public sealed class BiLstmTagger : nn.Module<Tensor, Tensor>
{
    readonly Embedding embedding;
    readonly LSTM lstm;
    readonly Linear output;

    /// <summary>Creates the tagger.</summary>
    /// <param name="vocabularySize">Token ids run from 0 to vocabularySize - 1.</param>
    /// <param name="embeddingSize">Embedding dimension.</param>
    /// <param name="hiddenSize">LSTM units per direction.</param>
    /// <param name="tags">Tag classes C.</param>
    /// <param name="paddingIndex">The token id used for padding (0 by default, as Keras' mask_zero).</param>
    /// <param name="layers">Stacked bidirectional layers.</param>
    public BiLstmTagger(int vocabularySize, int embeddingSize, int hiddenSize, int tags, int paddingIndex = 0, int layers = 1)
        : base(nameof(BiLstmTagger))
    {
        Checks.AtLeast(vocabularySize, 2, nameof(vocabularySize));
        Checks.AtLeast(embeddingSize, 1, nameof(embeddingSize));
        Checks.AtLeast(hiddenSize, 1, nameof(hiddenSize));
        Checks.AtLeast(tags, 1, nameof(tags));
        Checks.AtLeast(layers, 1, nameof(layers));
        if (paddingIndex < 0 || paddingIndex >= vocabularySize)
            throw new ArgumentOutOfRangeException(nameof(paddingIndex), paddingIndex, $"The padding id must be a token id in 0..{vocabularySize - 1}.");
        PaddingIndex = paddingIndex;
        embedding = nn.Embedding(vocabularySize, embeddingSize, padding_idx: paddingIndex);
        lstm = nn.LSTM(embeddingSize, hiddenSize, numLayers: layers, batchFirst: true, bidirectional: true);
        output = nn.Linear(2 * hiddenSize, tags);
        RegisterComponents();
    }

    /// <summary>The token id that marks padding.</summary>
    public int PaddingIndex { get; }

    /// <summary>True where a token is real, false on padding: <c>[B, T]</c> booleans.</summary>
    public Tensor Mask(Tensor tokens) => tokens.ne(PaddingIndex);

    /// <inheritdoc/>
    public override Tensor forward(Tensor tokens)
    {
        if (tokens.dim() != 2 || torch.is_floating_point(tokens))
            throw new ArgumentException(
                $"The tagger takes int64 token ids [batch, time], but got dtype {tokens.dtype} shape {Checks.Shape(tokens)}.",
                nameof(tokens));
        using var scope = NewDisposeScope();
        long time = tokens.shape[1];
        var lengths = CheckedLengths(tokens);
        var embedded = embedding.call(tokens);
        var sequence = LstmGradMode.Run(() =>
        {
            var packed = nn.utils.rnn.pack_padded_sequence(embedded, lengths, batch_first: true, enforce_sorted: false);
            var (packedOut, _, _) = lstm.call(packed, null);
            var (padded, _) = nn.utils.rnn.pad_packed_sequence(packedOut, batch_first: true, total_length: time);
            packedOut.Dispose();
            packed.Dispose();
            return padded;
        });
        return scope.MoveToOuter(output.call(sequence));
    }

    // Packing needs the lengths on the CPU and right padding (real tokens first, then padding only).
    Tensor CheckedLengths(Tensor tokens)
    {
        var mask = Mask(tokens);
        var lengths = mask.sum(1).cpu();
        var expected = arange(tokens.shape[1], device: tokens.device).unsqueeze(0).lt(lengths.to(tokens.device).unsqueeze(1));
        if (!expected.eq(mask).all().item<bool>())
            throw new ArgumentException(
                $"The token ids must be right-padded: real tokens first, then only the padding id {PaddingIndex}. " +
                "Some row has padding before a real token (or a real token equal to the padding id).", "tokens");
        if (lengths.min().item<long>() == 0)
            throw new ArgumentException(
                $"Some row of the batch is all padding (length 0); every sequence needs at least one real token.", "tokens");
        return lengths;
    }
}
