using NotebookNN.Models;
using NotebookNN.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace NotebookNN.Tests.Training;

/// <summary>Trainer.Fit's own live progress: shown at the start, throttled, and its final state always shown.</summary>
[Collection(TorchGlobalState.Name)]
public class FitProgressTests
{
    sealed record Shown(TrainingProgress Progress, IReadOnlyDictionary<string, double> LastEpoch, TimeSpan Elapsed, bool Final);

    sealed class RecordingView : IFitProgressView
    {
        public List<Shown> Calls { get; } = [];

        public void Show(TrainingProgress progress, IReadOnlyDictionary<string, double> lastEpoch, TimeSpan elapsed, bool final) =>
            Calls.Add(new Shown(progress, new Dictionary<string, double>(lastEpoch), elapsed, final));
    }

    /// <summary>Runs <paramref name="fit"/> with a view factory installed, restoring the global settings after.</summary>
    static List<RecordingView> WithViews(Action fit, bool enabled = true)
    {
        var views = new List<RecordingView>();
        var (factory, wasEnabled) = (FitProgress.ViewFactory, FitProgress.Enabled);
        FitProgress.ViewFactory = () =>
        {
            var view = new RecordingView();
            views.Add(view);
            return view;
        };
        FitProgress.Enabled = enabled;
        try
        {
            fit();
        }
        finally
        {
            (FitProgress.ViewFactory, FitProgress.Enabled) = (factory, wasEnabled);
        }
        return views;
    }

    static (Trainer Trainer, Tensor X, Tensor Y) Regression(int sleepMsPerBatch)
    {
        NN.Seed(3);
        var model = Mlp.Create([2, 4, 1]);
        Tensor Loss(Tensor prediction, Tensor target)
        {
            if (sleepMsPerBatch > 0) Thread.Sleep(sleepMsPerBatch);
            return nn.functional.mse_loss(prediction, target);
        }
        var x = torch.rand(160, 2);
        var y = x.sum(1, keepdim: true);
        return (new Trainer(model, Loss, optim.SGD(model.parameters(), 0.05)), x, y);
    }

    [Fact]
    public void A_fit_shows_its_start_and_its_final_state_with_the_last_epoch_s_values()
    {
        var (trainer, x, y) = Regression(0);
        History? history = null;
        var view = Assert.Single(WithViews(() => history = trainer.Fit(x, y, new FitOptions { Epochs = 3, BatchSize = 32 })));

        // A fit shorter than the interval shows only these two; a slower machine may add one per half second.
        Assert.InRange(view.Calls.Count, 2, 2 + (int)(view.Calls[^1].Elapsed / FitProgress.MinInterval));
        var start = view.Calls[0];
        Assert.False(start.Final);
        Assert.Equal((0, 3, 0), (start.Progress.Epoch, start.Progress.Epochs, start.Progress.Batch));
        Assert.Empty(start.LastEpoch);
        var end = view.Calls[1];
        Assert.True(end.Final);
        Assert.Equal(ProgressKind.EpochEnd, end.Progress.Kind);
        Assert.Equal(2, end.Progress.Epoch);
        Assert.Equal(history!["loss"][^1], end.LastEpoch["loss"]);
    }

    [Fact]
    public void A_slow_fit_is_shown_while_it_runs_at_most_every_half_second()
    {
        // 5 batches x 4 epochs x 60 ms: about 1.2 s of training.
        var (trainer, x, y) = Regression(60);
        var view = Assert.Single(WithViews(() => trainer.Fit(x, y, new FitOptions { Epochs = 4, BatchSize = 32 })));

        var during = view.Calls.Skip(1).Where(c => !c.Final).ToList();
        Assert.True(during.Count >= 2, $"{during.Count} updates during a {view.Calls[^1].Elapsed.TotalSeconds:0.0} s fit");
        var times = view.Calls.Where(c => !c.Final).Select(c => c.Elapsed).ToList();
        for (int i = 1; i < times.Count; i++)
            Assert.True(times[i] - times[i - 1] >= FitProgress.MinInterval, $"updates {times[i - 1]} and {times[i]} are closer than {FitProgress.MinInterval}");
        Assert.True(view.Calls[^1].Final);
        Assert.Equal(3, view.Calls[^1].Progress.Epoch);
        Assert.Single(view.Calls, c => c.Final);
    }

    [Fact]
    public void Progress_is_off_per_fit_through_FitOptions_and_for_the_process_through_FitProgress_Enabled()
    {
        var (trainer, x, y) = Regression(0);
        Assert.Empty(WithViews(() => trainer.Fit(x, y, new FitOptions { Epochs = 1, ShowProgress = false })));
        Assert.Empty(WithViews(() => trainer.Fit(x, y, new FitOptions { Epochs = 1 }), enabled: false));
        Assert.Equal("NNB_PROGRESS", FitProgress.EnvironmentVariable);
    }

    [Fact]
    public void Without_a_view_factory_a_fit_shows_nothing_and_still_raises_its_events()
    {
        var (trainer, x, y) = Regression(0);
        var events = new List<TrainingProgress>();
        trainer.Progress += events.Add;
        var history = trainer.Fit(x, y, new FitOptions { Epochs = 2 });
        Assert.Null(FitProgress.ViewFactory);
        Assert.Equal(2, events.Count);
        Assert.Equal(2, history.EpochCount);
    }
}
