using NotebookNN.Kernel.Engine;

namespace NotebookNN.Kernel.Tests.Engine;

/// <summary>
/// A plain Trainer.Fit in a notebook shows live progress by itself once the NotebookNN extension is loaded: one
/// display, updated in place while it trains (the kernel sends these as update_display_data; the runner keeps the
/// final state), with an HTML progress bar and a text line for text-only front ends.
/// </summary>
public sealed class FitProgressDisplayTests
{
    private const string Setup = "#r \"nuget: NotebookNN\"\n#r \"nuget: NotebookNN.Interactive\"";

    // 5 batches x 4 epochs, each batch held 60 ms by the loss: about 1.2 s of training.
    private const string SlowFit = """
        using TorchSharp;
        using static TorchSharp.torch;
        using NotebookNN.Training;
        var model = nn.Linear(2, 1);
        var trainer = new Trainer(model, (p, t) => { System.Threading.Thread.Sleep(60); return nn.functional.mse_loss(p, t); },
            optim.SGD(model.parameters(), 0.05));
        var x = torch.rand(160, 2);
        var history = trainer.Fit(x, x.sum(1, keepdim: true), new FitOptions { Epochs = 4, BatchSize = 32 });
        Console.WriteLine("trained");
        """;

    [Fact]
    public async Task A_plain_fit_shows_one_display_updated_while_it_trains_and_ending_in_its_final_state()
    {
        using var engine = new NotebookEngine();
        await engine.RunOkAsync(Setup, TimeSpan.FromMinutes(2));
        var sink = await engine.RunOkAsync(SlowFit, TimeSpan.FromMinutes(2));

        var outputs = sink.Outputs;
        var shown = Assert.Single(outputs.OfType<DisplayOutput>());
        Assert.NotNull(shown.DisplayId);
        Assert.StartsWith("Fit [                    ] epoch 1/4 starting", shown.Data["text/plain"]);
        Assert.Contains("<progress max=\"100\" value=\"0\"", shown.Data["text/html"]);

        var updates = outputs.OfType<DisplayUpdateOutput>().ToList();
        Assert.All(updates, u => Assert.Equal(shown.DisplayId, u.DisplayId));
        // At least twice while training, then the final state.
        Assert.True(updates.Count >= 3, $"{updates.Count} updates");
        Assert.All(updates[..^1], u => Assert.EndsWith("· training", u.Data["text/plain"]));
        var final = updates[^1].Data;
        Assert.Matches(@"^Fit \[====================\] epoch 4/4 · loss \d\.\d+(e-\d+)? · \d+\.\d s · done$", final["text/plain"]);
        Assert.Contains("<progress max=\"100\" value=\"100\"", final["text/html"]);
        Assert.Contains("<th>loss</th>", final["text/html"]);
        // The progress came before what the cell printed after the fit.
        Assert.IsType<StreamOutput>(outputs[^1]);
        Assert.Equal("trained\n", sink.Stream("stdout"));

        // Off for one fit with FitOptions, and for the process with FitProgress.Enabled.
        var quiet = await engine.RunOkAsync("trainer.Fit(x, x.sum(1, keepdim: true), new FitOptions { Epochs = 1, ShowProgress = false });");
        Assert.Empty(quiet.Outputs.OfType<DisplayOutput>());
        var off = await engine.RunOkAsync("FitProgress.Enabled = false;\ntrainer.Fit(x, x.sum(1, keepdim: true), new FitOptions { Epochs = 1 });\nFitProgress.Enabled = true;");
        Assert.Empty(off.Outputs.OfType<DisplayOutput>());
    }
}
