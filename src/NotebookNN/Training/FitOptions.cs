using static TorchSharp.torch;

namespace NotebookNN.Training;

/// <summary>How <c>Trainer.Fit</c> runs: epochs, batch size, shuffling, validation, early stopping, progress.</summary>
public sealed class FitOptions
{
    /// <summary>The number of passes over the training data (at least 1).</summary>
    public int Epochs { get; init; } = 1;

    /// <summary>Samples per mini-batch (at least 1); the last batch of an epoch may be smaller. Keras' default is 32.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Whether to visit the training samples in a new random order each epoch.</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>
    /// The seed of the shuffling generator. When null, a seed is drawn from <see cref="NN.Random"/>, so a run repeats
    /// after <see cref="NN.Seed"/> and two fits after one seeding still get different orders.
    /// </summary>
    public int? Seed { get; init; }

    /// <summary>
    /// The fraction of samples held out for validation, in [0, 1). As in Keras, the held-out samples are the LAST ones
    /// of <c>x</c> and <c>y</c>, taken before any shuffling: shuffle the data first if it is sorted by class.
    /// Ignored when <see cref="ValidationData"/> is given.
    /// </summary>
    public double ValidationSplit { get; init; }

    /// <summary>An explicit validation set (inputs, targets), evaluated at the end of each epoch.</summary>
    public (Tensor X, Tensor Y)? ValidationData { get; init; }

    /// <summary>The batch size used for validation passes (at least 1).</summary>
    public int ValidationBatchSize { get; init; } = 256;

    /// <summary>Stops training when a monitored value stops improving; null trains for all epochs.</summary>
    public EarlyStopping? EarlyStopping { get; init; }

    /// <summary>
    /// Raise a <see cref="ProgressKind.BatchEnd"/> event every this many batches (and after the last batch of each
    /// epoch); 0 raises only <see cref="ProgressKind.EpochEnd"/> events.
    /// </summary>
    public int ProgressEveryBatches { get; init; }

    /// <summary>
    /// Whether batch events carry the running mean loss. Reading it waits for the device, so it is off by default: the
    /// epoch loss is accumulated on the device and read once per epoch.
    /// </summary>
    public bool ReportBatchLoss { get; init; }

    /// <summary>
    /// Whether this fit shows live progress where a notebook host offers it (see <see cref="FitProgress"/>): one
    /// display updated in place, at most every half second. Off: only the <c>Progress</c> event reports.
    /// </summary>
    public bool ShowProgress { get; init; } = true;
}

/// <summary>Which direction of a monitored value counts as an improvement.</summary>
public enum MonitorMode
{
    /// <summary>As Keras: larger is better when the name contains acc, auc, f1, precision or recall; smaller otherwise.</summary>
    Auto,
    /// <summary>Smaller is better (losses, errors).</summary>
    Min,
    /// <summary>Larger is better (accuracies, AUC).</summary>
    Max,
}

/// <summary>
/// Early stopping with the semantics of Keras' <c>EarlyStopping</c> callback: after each epoch the monitored value is
/// compared with the best so far; an improvement (by more than <see cref="MinDelta"/>) resets the wait, otherwise the
/// wait grows, and training stops once the wait reaches <see cref="Patience"/> (never after the first epoch).
/// </summary>
public sealed class EarlyStopping
{
    /// <summary>The history series to watch, e.g. <c>val_loss</c> (default) or <c>val_accuracy</c>.</summary>
    public string Monitor { get; init; } = "val_loss";

    /// <summary>How many epochs without improvement to tolerate (at least 0).</summary>
    public int Patience { get; init; }

    /// <summary>The smallest change that counts as an improvement (at least 0).</summary>
    public double MinDelta { get; init; }

    /// <summary>Which direction is better.</summary>
    public MonitorMode Mode { get; init; } = MonitorMode.Auto;

    /// <summary>
    /// Put the best epoch's weights (parameters and buffers) back into the model when training ends, as Keras 3 does,
    /// whether or not training stopped early.
    /// </summary>
    public bool RestoreBestWeights { get; init; }

    /// <summary>Whether larger values of <see cref="Monitor"/> are better, after resolving <see cref="MonitorMode.Auto"/>.</summary>
    public bool HigherIsBetter => Mode switch
    {
        MonitorMode.Max => true,
        MonitorMode.Min => false,
        _ => new[] { "acc", "auc", "f1", "precision", "recall" }
            .Any(k => Monitor.Contains(k, StringComparison.OrdinalIgnoreCase)),
    };

    /// <summary>Whether <paramref name="current"/> improves on <paramref name="best"/> by more than <see cref="MinDelta"/>.</summary>
    public bool IsImprovement(double current, double best) =>
        HigherIsBetter ? current - MinDelta > best : current + MinDelta < best;
}

/// <summary>Which moment a <see cref="TrainingProgress"/> reports.</summary>
public enum ProgressKind
{
    /// <summary>A training batch finished.</summary>
    BatchEnd,
    /// <summary>An epoch finished, validation included; <see cref="TrainingProgress.Values"/> holds its history row.</summary>
    EpochEnd,
}

/// <summary>
/// A progress report from <c>Trainer.Fit</c>, what a notebook renders as a progress bar (see <see cref="FitProgress"/>).
/// </summary>
/// <param name="Kind">Batch or epoch end.</param>
/// <param name="Epoch">The 0-based epoch.</param>
/// <param name="Epochs">The number of epochs asked for.</param>
/// <param name="Batch">The number of batches finished in this epoch (1-based count).</param>
/// <param name="Batches">The number of batches per epoch.</param>
/// <param name="Loss">The running mean training loss of this epoch; null on batch events unless asked for.</param>
/// <param name="Values">At epoch end: the epoch's history row (loss, metrics, val_*); empty on batch events.</param>
public sealed record TrainingProgress(
    ProgressKind Kind, int Epoch, int Epochs, int Batch, int Batches, double? Loss,
    IReadOnlyDictionary<string, double> Values);
