using System.Collections.ObjectModel;

namespace NotebookNN.Training;

/// <summary>
/// What <c>Trainer.Fit</c> recorded: one row per finished epoch with the training loss and metrics
/// (<c>loss</c>, <c>accuracy</c>, ...) and, when there was validation data, the same values on it under Keras' names
/// (<c>val_loss</c>, <c>val_accuracy</c>, ...).
/// </summary>
public sealed class History
{
    readonly List<string> _names = [];
    readonly Dictionary<string, List<double>> _values = new(StringComparer.Ordinal);

    /// <summary>The recorded series names in the order they first appeared (<c>loss</c> first).</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>The number of epochs recorded.</summary>
    public int EpochCount => _values.TryGetValue("loss", out var loss) ? loss.Count : 0;

    /// <summary>
    /// The 0-based epoch whose weights the model holds after <c>Trainer.Fit</c> when early stopping restored the
    /// best weights, or the best epoch seen by early stopping otherwise; null when no early stopping was asked for.
    /// </summary>
    public int? BestEpoch { get; internal set; }

    /// <summary>The 0-based epoch after which early stopping ended training, or null when all epochs ran.</summary>
    public int? StoppedEpoch { get; internal set; }

    /// <summary>Whether the weights of <see cref="BestEpoch"/> were put back into the model at the end.</summary>
    public bool RestoredBestWeights { get; internal set; }

    /// <summary>The values of one series, one per epoch.</summary>
    /// <exception cref="KeyNotFoundException">The series was not recorded; the message lists those that were.</exception>
    public IReadOnlyList<double> this[string name]
    {
        get
        {
            ArgumentNullException.ThrowIfNull(name);
            if (_values.TryGetValue(name, out var series)) return new ReadOnlyCollection<double>(series);
            throw new KeyNotFoundException(
                $"History has no series '{name}'. Recorded: {string.Join(", ", _names)}. " +
                "Validation series (val_*) exist only when fit was given a validation split or validation data.");
        }
    }

    /// <summary>Every series by name, in <see cref="Names"/> order (what a training-curve plot takes).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<double>> Series =>
        _names.ToDictionary(n => n, n => (IReadOnlyList<double>)new ReadOnlyCollection<double>(_values[n]), StringComparer.Ordinal);

    /// <summary>Whether a series of that name was recorded.</summary>
    public bool Contains(string name) => _values.ContainsKey(name);

    /// <summary>The values of every series for one 0-based epoch.</summary>
    public IReadOnlyDictionary<string, double> Epoch(int epoch)
    {
        if (epoch < 0 || epoch >= EpochCount)
            throw new ArgumentOutOfRangeException(nameof(epoch), epoch, $"Epochs run from 0 to {EpochCount - 1}.");
        return _names.ToDictionary(n => n, n => _values[n][epoch], StringComparer.Ordinal);
    }

    /// <summary>The last recorded value of a series.</summary>
    public double Last(string name)
    {
        var series = this[name];
        if (series.Count == 0) throw new InvalidOperationException($"Series '{name}' has no values yet.");
        return series[^1];
    }

    internal void Add(IReadOnlyDictionary<string, double> epochValues)
    {
        foreach (var (name, value) in epochValues)
        {
            if (!_values.TryGetValue(name, out var series))
            {
                series = [];
                _values[name] = series;
                _names.Add(name);
            }
            series.Add(value);
        }
    }
}
