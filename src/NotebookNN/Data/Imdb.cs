using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace NotebookNN.Data;

/// <summary>IMDB reviews as Keras returns them: word-index sequences and 0/1 sentiment labels (1 = positive).</summary>
/// <param name="Sequences">One int array per review, starting with 1 (start), 2 = out-of-vocabulary, rank r written
/// r + 3, all below 10,000.</param>
/// <param name="Labels">1 for a positive review, 0 for a negative one.</param>
public sealed record ImdbReviews(IReadOnlyList<int[]> Sequences, int[] Labels)
{
    /// <summary>The labels as a float32 tensor <c>[N]</c> (for binary cross-entropy).</summary>
    public Tensor LabelTensor() => tensor(Labels.Select(l => (float)l).ToArray());
}

/// <summary>
/// The IMDB sentiment data in <c>keras.datasets.imdb.load_data(num_words=10000)</c>'s encoding, the multi-hot
/// vectoriser of the Keras book's first IMDB model, and the word index for decoding.
/// </summary>
public static class Imdb
{
    /// <summary>The vocabulary size of the shipped encoding (indices 0..9999).</summary>
    public const int VocabularySize = 10000;

    /// <summary>The first <paramref name="count"/> reviews of a split (all 25,000 when null), in Keras' order.</summary>
    public static ImdbReviews Load(DataSplit split = DataSplit.Train, int? count = null)
    {
        if (count is < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "count must be at least 1 (or null for all).");
        var file = split switch
        {
            DataSplit.Train => DatasetCatalog.ImdbTrain,
            DataSplit.Test => DatasetCatalog.ImdbTest,
            _ => throw new ArgumentOutOfRangeException(nameof(split), split, "Use DataSplit.Train or DataSplit.Test."),
        };
        string path = DatasetStore.Resolve(file);
        var sequences = new List<int[]>();
        var labels = new List<int>();
        using var reader = new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress), Encoding.ASCII);
        int lineNumber = 0;
        while (reader.ReadLine() is { } line && (count is null || sequences.Count < count))
        {
            lineNumber++;
            int tab = line.IndexOf('\t');
            if (tab != 1 || line[0] is not ('0' or '1'))
                throw new InvalidDataException($"'{path}' line {lineNumber} is not 'label<TAB>indices' with label 0 or 1.");
            labels.Add(line[0] - '0');
            var parts = line.AsSpan(2);
            var indices = new List<int>(256);
            foreach (var range in parts.Split(' '))
                indices.Add(int.Parse(parts[range], NumberStyles.None, CultureInfo.InvariantCulture));
            sequences.Add(indices.ToArray());
        }
        return new ImdbReviews(sequences, labels.ToArray());
    }

    /// <summary>
    /// The multi-hot matrix <c>[N, dimensions]</c> float32: entry (i, w) is 1 when word index w occurs in review i
    /// (the Keras book's <c>vectorize_sequences</c>). Indices at or above <paramref name="dimensions"/> are an error.
    /// </summary>
    public static Tensor MultiHot(IReadOnlyList<int[]> sequences, int dimensions = VocabularySize)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        Checks.AtLeast(dimensions, 1, nameof(dimensions));
        // The ones are written into a zero tensor through their flat positions: building the dense matrix as a managed
        // array first held it twice (25,000 reviews x 10,000 words: 1 GB array + 1 GB tensor) until a full GC.
        var positions = new long[sequences.Sum(sequence => (long)(sequence?.Length ?? 0))];
        long count = 0;
        for (int i = 0; i < sequences.Count; i++)
        {
            long row = (long)i * dimensions;
            foreach (int w in sequences[i] ?? throw new ArgumentException($"Sequence {i} is null.", nameof(sequences)))
            {
                if (w < 0 || w >= dimensions)
                    throw new ArgumentException(
                        $"Review {i} contains word index {w}, outside 0..{dimensions - 1}: load with the matching vocabulary size, " +
                        "or raise 'dimensions'.", nameof(sequences));
                positions[count++] = row + w;
            }
        }
        var result = zeros(sequences.Count, dimensions);
        if (count > 0)
        {
            using var index = tensor(positions);
            result.view(-1).index_fill_(0, index, 1f);
        }
        return result;
    }
}

/// <summary>Keras' IMDB word index (word → frequency rank, 1 = most frequent) and decoding of encoded reviews.</summary>
public sealed class ImdbWordIndex
{
    /// <summary>Keras' <c>index_from</c>: rank r is encoded as r + 3 (0 padding, 1 start, 2 out-of-vocabulary).</summary>
    public const int IndexFrom = 3;

    readonly Dictionary<int, string> _byRank;

    ImdbWordIndex(Dictionary<string, int> ranks)
    {
        Ranks = ranks;
        _byRank = ranks.ToDictionary(p => p.Value, p => p.Key);
    }

    /// <summary>Reads the shipped word index (88,584 words).</summary>
    public static ImdbWordIndex Load()
    {
        string path = DatasetStore.Resolve(DatasetCatalog.ImdbWordIndex);
        using var stream = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        var ranks = JsonSerializer.Deserialize<Dictionary<string, int>>(stream)
                    ?? throw new InvalidDataException($"'{path}' holds no word index.");
        return new ImdbWordIndex(ranks);
    }

    /// <summary>Word → rank (1 = most frequent).</summary>
    public IReadOnlyDictionary<string, int> Ranks { get; }

    /// <summary>The word for an encoded index, or null for 0 (padding), 1 (start), 2 (out-of-vocabulary) and unknown
    /// indices.</summary>
    public string? WordOf(int index) => index >= IndexFrom && _byRank.TryGetValue(index - IndexFrom, out var w) ? w : null;

    /// <summary>
    /// The review as text, words separated by spaces, with "?" for the reserved indices, as the Keras book decodes
    /// (<c>reverse_word_index.get(i - 3, "?")</c>).
    /// </summary>
    public string Decode(IEnumerable<int> sequence)
    {
        ArgumentNullException.ThrowIfNull(sequence);
        return string.Join(' ', sequence.Select(i => WordOf(i) ?? "?"));
    }
}
