using static TorchSharp.torch;

namespace NotebookNN.Validation;

/// <summary>One fold of a cross-validation: the indices to train on and the disjoint indices to test on.</summary>
/// <param name="Index">The fold number, from 0.</param>
/// <param name="TrainIndices">Sample indices for training, increasing.</param>
/// <param name="TestIndices">Sample indices held out, increasing.</param>
public sealed record Fold(int Index, IReadOnlyList<long> TrainIndices, IReadOnlyList<long> TestIndices)
{
    /// <summary>The training rows of <paramref name="data"/> (first axis), on the data's device.</summary>
    public Tensor Train(Tensor data) => Select(data, TrainIndices);

    /// <summary>The held-out rows of <paramref name="data"/> (first axis), on the data's device.</summary>
    public Tensor Test(Tensor data) => Select(data, TestIndices);

    static Tensor Select(Tensor data, IReadOnlyList<long> indices)
    {
        Checks.NotNull(data, nameof(data));
        if (data.dim() == 0)
            throw new ArgumentException("'data' is a scalar: pass a tensor with one row per sample.", nameof(data));
        long max = indices.Count == 0 ? -1 : indices.Max();
        if (max >= data.shape[0])
            throw new ArgumentException(
                $"This fold refers to sample {max}, but 'data' has only {data.shape[0]} row(s): split the same number of samples you index.",
                nameof(data));
        using var index = tensor(indices.ToArray(), device: data.device);
        return data.index_select(0, index);
    }
}

/// <summary>
/// K-fold cross-validation splits with scikit-learn's <c>KFold</c> layout: the first <c>n % k</c> folds hold
/// <c>n / k + 1</c> samples, the others <c>n / k</c>, each a contiguous block of the (optionally shuffled) order.
/// Test folds are disjoint and cover every sample once. Without shuffling the folds equal scikit-learn's exactly;
/// with shuffling the order comes from a seeded .NET <see cref="Random"/> (repeatable, but not numpy's permutation).
/// </summary>
public sealed class KFold
{
    /// <summary>Creates the splitter.</summary>
    /// <param name="splits">The number of folds, at least 2.</param>
    /// <param name="shuffle">Shuffle the samples before cutting them into folds.</param>
    /// <param name="seed">The shuffle's seed; null uses <see cref="NN.Random"/> (seeded by <see cref="NN.Seed"/>).</param>
    public KFold(int splits = 5, bool shuffle = false, int? seed = null)
    {
        Splits = Checks.AtLeast(splits, 2, nameof(splits));
        if (!shuffle && seed is not null)
            throw new ArgumentException("A seed was given but shuffle is false, so it would have no effect: pass shuffle: true, or drop the seed.", nameof(seed));
        Shuffle = shuffle;
        Seed = seed;
    }

    /// <summary>The number of folds.</summary>
    public int Splits { get; }

    /// <summary>Whether the samples are shuffled first.</summary>
    public bool Shuffle { get; }

    /// <summary>The shuffle's seed (null: the library's shared random source).</summary>
    public int? Seed { get; }

    /// <summary>The folds of <paramref name="samples"/> samples.</summary>
    public IReadOnlyList<Fold> Split(long samples)
    {
        if (samples < Splits)
            throw new ArgumentException(
                $"Cannot make {Splits} folds of {samples} sample(s): every fold needs at least one. Use fewer splits or more data.",
                nameof(samples));
        var order = new long[samples];
        for (long i = 0; i < samples; i++) order[i] = i;
        if (Shuffle) Shuffling.InPlace(order, Shuffling.Source(Seed));
        var testFold = new int[samples];
        long start = 0;
        for (int f = 0; f < Splits; f++)
        {
            long size = samples / Splits + (f < samples % Splits ? 1 : 0);
            for (long i = start; i < start + size; i++) testFold[order[i]] = f;
            start += size;
        }
        return Shuffling.FoldsFrom(testFold, Splits);
    }

    /// <summary>The folds of the first axis of <paramref name="data"/>.</summary>
    public IReadOnlyList<Fold> Split(Tensor data)
    {
        Checks.NotNull(data, nameof(data));
        if (data.dim() == 0) throw new ArgumentException("'data' is a scalar: pass a tensor with one row per sample.", nameof(data));
        return Split(data.shape[0]);
    }
}

/// <summary>
/// Stratified k-fold splits with scikit-learn 1.2's <c>StratifiedKFold</c> algorithm: classes are ordered by first
/// appearance, the sorted labels are dealt round-robin to the folds to fix how many samples of each class each fold
/// gets, and each class's samples are assigned to folds in order (or in a seeded random order when shuffling). Each
/// test fold then keeps the class proportions as closely as whole samples allow. Unshuffled folds equal
/// scikit-learn's exactly.
/// </summary>
public sealed class StratifiedKFold
{
    /// <summary>Creates the splitter (see <see cref="KFold(int, bool, int?)"/> for the arguments).</summary>
    public StratifiedKFold(int splits = 5, bool shuffle = false, int? seed = null)
    {
        Splits = Checks.AtLeast(splits, 2, nameof(splits));
        if (!shuffle && seed is not null)
            throw new ArgumentException("A seed was given but shuffle is false, so it would have no effect: pass shuffle: true, or drop the seed.", nameof(seed));
        Shuffle = shuffle;
        Seed = seed;
    }

    /// <summary>The number of folds.</summary>
    public int Splits { get; }

    /// <summary>Whether each class's samples are shuffled before they are dealt to folds.</summary>
    public bool Shuffle { get; }

    /// <summary>The shuffle's seed (null: the library's shared random source).</summary>
    public int? Seed { get; }

    /// <summary>The folds for integer class labels (N) (or (N, 1)).</summary>
    public IReadOnlyList<Fold> Split(Tensor labels)
    {
        Checks.NotNull(labels, nameof(labels));
        var y = labels.dim() == 2 && labels.shape[1] == 1 ? labels.squeeze(1) : labels;
        if (y.dim() != 1)
            throw new ArgumentException(
                $"'labels' has shape {Checks.Shape(labels)}: stratification needs one class label per sample (N); for one-hot targets pass argmax(-1).",
                nameof(labels));
        return Split(Metrics.HostArrays.WholeLabels(y, nameof(labels)));
    }

    /// <summary>The folds for class labels given as an array.</summary>
    public IReadOnlyList<Fold> Split(long[] labels)
    {
        Checks.NotEmpty(labels, nameof(labels), "class label per sample");
        int n = labels.Length;
        // Encode classes in order of first appearance, as scikit-learn does.
        var code = new Dictionary<long, int>();
        var encoded = new int[n];
        for (int i = 0; i < n; i++)
        {
            if (!code.TryGetValue(labels[i], out int c)) code[labels[i]] = c = code.Count;
            encoded[i] = c;
        }
        int classes = code.Count;
        var counts = new int[classes];
        foreach (var c in encoded) counts[c]++;
        if (counts.All(c => c < Splits))
            throw new ArgumentException(
                $"Cannot make {Splits} stratified folds: no class has {Splits} or more samples (largest class: {counts.Max()}). Use fewer splits.",
                nameof(labels));
        if (n < Splits)
            throw new ArgumentException($"Cannot make {Splits} folds of {n} sample(s). Use fewer splits or more data.", nameof(labels));

        // allocation[f, c]: how many of class c fold f gets (the sorted codes dealt round-robin).
        var sorted = encoded.Order().ToArray();
        var allocation = new int[Splits, classes];
        for (int i = 0; i < n; i++) allocation[i % Splits, sorted[i]]++;

        var random = Shuffle ? Shuffling.Source(Seed) : null;
        var testFold = new int[n];
        for (int c = 0; c < classes; c++)
        {
            var foldsForClass = new List<int>();
            for (int f = 0; f < Splits; f++)
                for (int k = 0; k < allocation[f, c]; k++) foldsForClass.Add(f);
            var assignment = foldsForClass.ToArray();
            if (random is not null) Shuffling.InPlace(assignment, random);
            int next = 0;
            for (int i = 0; i < n; i++) if (encoded[i] == c) testFold[i] = assignment[next++];
        }
        return Shuffling.FoldsFrom(testFold, Splits);
    }
}

internal static class Shuffling
{
    public static Random Source(int? seed) => seed is int s ? new Random(s) : NN.Random;

    /// <summary>Fisher-Yates.</summary>
    public static void InPlace<T>(T[] items, Random random)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    public static IReadOnlyList<Fold> FoldsFrom(int[] testFold, int splits)
    {
        var folds = new Fold[splits];
        for (int f = 0; f < splits; f++)
        {
            var test = new List<long>();
            var train = new List<long>();
            for (long i = 0; i < testFold.Length; i++) (testFold[i] == f ? test : train).Add(i);
            folds[f] = new Fold(f, train, test);
        }
        return folds;
    }
}
