using TorchSharp;
using static TorchSharp.torch;

namespace NotebookNN.Data;

/// <summary>
/// Features and labels of one dataset (or a subset), with their names. Classification labels are int64 class indices
/// <c>[N]</c>; multi-label targets are a float 0/1 matrix <c>[N, L]</c>; regression targets are float <c>[N]</c>.
/// </summary>
/// <param name="Features">Inputs, samples first (float32).</param>
/// <param name="Labels">Targets, samples first.</param>
/// <param name="FeatureNames">One name per feature column (empty for images).</param>
/// <param name="ClassNames">Class names by index (classification), label names by column (multi-label), or empty
/// (regression).</param>
public sealed record LabeledData(Tensor Features, Tensor Labels, IReadOnlyList<string> FeatureNames, IReadOnlyList<string> ClassNames)
{
    /// <summary>The number of samples.</summary>
    public long Count => Features.shape[0];

    /// <summary>The samples at <paramref name="indices"/>, in that order.</summary>
    public LabeledData Subset(IReadOnlyList<long> indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        foreach (var i in indices)
            if (i < 0 || i >= Count)
                throw new ArgumentOutOfRangeException(nameof(indices), i, $"Sample index {i} is outside 0..{Count - 1}.");
        var index = tensor(indices.ToArray(), device: Features.device);
        return this with { Features = Features.index_select(0, index), Labels = Labels.index_select(0, index.to(Labels.device)) };
    }

    /// <summary>The first <paramref name="count"/> samples (all when there are fewer).</summary>
    public LabeledData Take(long count)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, "The count must be at least 0.");
        long n = Math.Min(count, Count);
        return this with { Features = Features.narrow(0, 0, n), Labels = Labels.narrow(0, 0, n) };
    }

    /// <summary>
    /// A seeded train/test split. With <paramref name="stratify"/> (class-index labels only) each class is split in
    /// the same proportion, as scikit-learn's <c>train_test_split(stratify=y)</c> intends.
    /// </summary>
    public (LabeledData Train, LabeledData Test) Split(double testFraction, bool stratify = false, int? seed = null)
    {
        var (train, test) = stratify
            ? Splits.StratifiedTrainTest(Labels, testFraction, seed)
            : Splits.TrainTest(Count, testFraction, seed);
        return (Subset(train), Subset(test));
    }

    /// <summary>Moves features and labels to <paramref name="device"/>.</summary>
    public LabeledData To(Device device) => this with { Features = Features.to(device), Labels = Labels.to(device) };
}
