using System.Globalization;
using System.Text;
using NotebookNN.Extensibility;
using NotebookNN.Training;

namespace NotebookNN.Interactive.Training;

/// <summary>
/// What a fit's live progress display shows: the epoch and batch reached, the last epoch's loss and metrics and the
/// time so far. Formatted as an HTML progress bar and as one line of text (for text-only front ends).
/// </summary>
/// <param name="Progress">The epoch and batch reached.</param>
/// <param name="LastEpoch">The last finished epoch's history row; empty before the first.</param>
/// <param name="Elapsed">Time since the fit started.</param>
/// <param name="Final">Whether the fit has ended.</param>
public sealed record TrainingProgressView(TrainingProgress Progress, IReadOnlyDictionary<string, double> LastEpoch, TimeSpan Elapsed, bool Final)
{
    /// <summary>Epochs done, as a fraction of all, counting the batches of the running epoch.</summary>
    public double Fraction
    {
        get
        {
            var p = Progress;
            if (p.Epochs <= 0) return 0;
            double epochs = p.Kind == ProgressKind.EpochEnd ? p.Epoch + 1 : p.Epoch + (p.Batches > 0 ? p.Batch / (double)p.Batches : 0);
            return Math.Clamp(epochs / p.Epochs, 0, 1);
        }
    }

    /// <summary>"epoch 3/10" (the running or last finished epoch, 1-based), plus the batch while one runs.</summary>
    string Position()
    {
        var p = Progress;
        if (p.Kind == ProgressKind.EpochEnd)
            return string.Create(CultureInfo.InvariantCulture, $"epoch {p.Epoch + 1}/{p.Epochs}");
        if (p.Batches == 0)
            return string.Create(CultureInfo.InvariantCulture, $"epoch 1/{p.Epochs} starting");
        return string.Create(CultureInfo.InvariantCulture, $"epoch {p.Epoch + 1}/{p.Epochs}, batch {p.Batch}/{p.Batches}");
    }

    string Status() => Final ? (Fraction >= 1 ? "done" : "stopped") : "training";

    IEnumerable<string> Values() => LastEpoch.Select(kv => kv.Key + " " + Html.Number(kv.Value));

    string Seconds() => Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";

    /// <summary>One line: bar, position, the last epoch's values, elapsed time.</summary>
    public string ToText()
    {
        const int width = 20;
        int filled = (int)Math.Round(Fraction * width);
        var sb = new StringBuilder("Fit [").Append('=', filled).Append(' ', width - filled).Append("] ").Append(Position());
        if (LastEpoch.Count > 0) sb.Append(" · ").Append(string.Join(" · ", Values()));
        return sb.Append(" · ").Append(Seconds()).Append(" · ").Append(Status()).ToString();
    }

    /// <summary>An HTML progress bar with the position, the last epoch's values and the elapsed time.</summary>
    public string ToHtml()
    {
        string percent = (Fraction * 100).ToString("0.#", CultureInfo.InvariantCulture);
        var sb = new StringBuilder(Html.Style).Append("<div class=\"nnb-out nnb-fit-progress\">")
            .Append("<div style=\"display:flex;align-items:center;gap:8px;flex-wrap:wrap\">")
            .Append("<progress max=\"100\" value=\"").Append(percent).Append("\" style=\"width:240px\"></progress>")
            .Append("<span>").Append(Html.Escape(Position())).Append("</span>")
            .Append("<span class=\"nnb-chip\">").Append(Status()).Append("</span>")
            .Append("<span class=\"nnb-stats\" style=\"margin:0\">").Append(Seconds()).Append("</span></div>");
        if (LastEpoch.Count > 0)
        {
            sb.Append("<table class=\"nnb-table\"><thead><tr>");
            foreach (string name in LastEpoch.Keys) sb.Append("<th>").Append(Html.Escape(name)).Append("</th>");
            sb.Append("</tr></thead><tbody><tr>");
            foreach (double value in LastEpoch.Values) sb.Append("<td>").Append(Html.Number(value)).Append("</td>");
            sb.Append("</tr></tbody></table>");
        }
        return sb.Append("</div>").ToString();
    }
}

/// <summary>
/// The view a fit shows in a notebook: one output of the running cell, replaced in place at each update (the
/// kernel sends update_display_data; <c>nnb run</c> keeps only the final state in the executed copy).
/// </summary>
public sealed class NotebookFitProgressView : IFitProgressView
{
    readonly Func<object?, Action<object?>?> _show;
    Action<object?>? _update;
    bool _gone;

    NotebookFitProgressView(Func<object?, Action<object?>?> show) => _show = show;

    /// <summary>A view for a starting fit, or null outside a notebook (no <see cref="LiveOutput.Show"/>).</summary>
    public static IFitProgressView? Create() => LiveOutput.Show is { } show ? new NotebookFitProgressView(show) : null;

    /// <inheritdoc />
    public void Show(TrainingProgress progress, IReadOnlyDictionary<string, double> lastEpoch, TimeSpan elapsed, bool final)
    {
        if (_gone) return;
        var view = new TrainingProgressView(progress, new Dictionary<string, double>(lastEpoch), elapsed, final);
        if (_update is { } update)
        {
            update(view);
            return;
        }
        _update = _show(view);
        // No cell is running (a fit on a thread the cell left behind): there is nowhere to show progress.
        _gone = _update is null;
    }
}
