using System.Diagnostics;

namespace NotebookNN.Training;

/// <summary>A live view of one <c>Trainer.Fit</c>: a notebook's progress bar, updated in place.</summary>
public interface IFitProgressView
{
    /// <summary>
    /// Shows the state of the fit. Called when the fit starts (epoch 0, no batch done), then at most every
    /// <see cref="FitProgress.MinInterval"/>, and once more with <paramref name="final"/> set when it ends.
    /// </summary>
    /// <param name="progress">Where training is: the epoch and batch reached.</param>
    /// <param name="lastEpoch">The history row (loss, metrics, val_*) of the last finished epoch; empty before the first.</param>
    /// <param name="elapsed">Time since the fit started.</param>
    /// <param name="final">The fit has ended; this is the state to keep.</param>
    void Show(TrainingProgress progress, IReadOnlyDictionary<string, double> lastEpoch, TimeSpan elapsed, bool final);
}

/// <summary>
/// Whether and where <c>Trainer.Fit</c> shows live progress on its own. The library knows nothing of notebooks: a
/// notebook host (the NotebookNN extension) sets <see cref="ViewFactory"/>, and every fit then shows one progress
/// display, throttled so it costs nothing measurable. Turn it off for one fit with
/// <see cref="FitOptions.ShowProgress"/>, for the process with <see cref="Enabled"/> or the environment variable
/// <c>NNB_PROGRESS=0</c>.
/// </summary>
public static class FitProgress
{
    /// <summary>Set to <c>0</c> to turn live progress off for every fit in the process.</summary>
    public const string EnvironmentVariable = "NNB_PROGRESS";

    /// <summary>The shortest time between two updates of a view (the start and the final state aside).</summary>
    public static TimeSpan MinInterval { get; } = TimeSpan.FromSeconds(0.5);

    /// <summary>Whether fits show live progress at all (default: on, unless <c>NNB_PROGRESS=0</c>).</summary>
    public static bool Enabled { get; set; } = Environment.GetEnvironmentVariable(EnvironmentVariable) != "0";

    /// <summary>Makes the view for a fit that is starting, or returns null when there is nowhere to show it (no
    /// notebook cell running). Null: fits show nothing (console programs, tests).</summary>
    public static Func<IFitProgressView?>? ViewFactory { get; set; }

    /// <summary>The throttled reporter for one fit, or null when progress is off or has nowhere to go.</summary>
    internal static Reporter? Start(FitOptions options)
    {
        if (!options.ShowProgress || !Enabled || ViewFactory is not { } factory) return null;
        return factory() is { } view ? new Reporter(view, options.Epochs) : null;
    }

    /// <summary>
    /// Forwards a fit's progress to its view: per batch only a timestamp comparison (no device sync, no
    /// allocation) until <see cref="MinInterval"/> has passed.
    /// </summary>
    internal sealed class Reporter
    {
        static readonly IReadOnlyDictionary<string, double> NoValues = new Dictionary<string, double>();
        readonly IFitProgressView _view;
        readonly int _epochs;
        readonly long _started = Stopwatch.GetTimestamp();
        readonly long _interval = (long)(MinInterval.TotalSeconds * Stopwatch.Frequency);
        long _lastShown;
        IReadOnlyDictionary<string, double> _lastEpoch = NoValues;
        TrainingProgress _state;

        public Reporter(IFitProgressView view, int epochs)
        {
            _view = view;
            _epochs = epochs;
            _state = new TrainingProgress(ProgressKind.BatchEnd, 0, epochs, 0, 0, null, NoValues);
            _lastShown = _started;
            _view.Show(_state, _lastEpoch, TimeSpan.Zero, final: false);
        }

        /// <summary>A batch of <paramref name="epoch"/> finished; shown when the interval has passed.</summary>
        public void Batch(int epoch, int batch, int batches)
        {
            long now = Stopwatch.GetTimestamp();
            if (now - _lastShown < _interval) return;
            _state = new TrainingProgress(ProgressKind.BatchEnd, epoch, _epochs, batch, batches, null, NoValues);
            Show(now, final: false);
        }

        /// <summary>An epoch finished; remembered, and shown when the interval has passed.</summary>
        public void Epoch(TrainingProgress progress)
        {
            _state = progress;
            _lastEpoch = progress.Values;
            long now = Stopwatch.GetTimestamp();
            if (now - _lastShown >= _interval) Show(now, final: false);
        }

        /// <summary>The fit ended: the last state, always shown.</summary>
        public void Finish() => Show(Stopwatch.GetTimestamp(), final: true);

        void Show(long now, bool final)
        {
            _lastShown = now;
            _view.Show(_state, _lastEpoch, Stopwatch.GetElapsedTime(_started, now), final);
        }
    }
}
