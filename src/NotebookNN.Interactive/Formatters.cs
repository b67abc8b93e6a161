using Microsoft.DotNet.Interactive.Formatting;
using NotebookNN.Interactive.Models;
using NotebookNN.Interactive.Plots;
using NotebookNN.Interactive.Probabilities;
using NotebookNN.Interactive.Tensors;
using NotebookNN.Interactive.Training;
using NotebookNN.Models;
using NotebookNN.Probabilities;
using Plotly.NET;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NotebookNN.Interactive;

/// <summary>
/// Registers the NotebookNN formatters with <c>Microsoft.DotNet.Interactive.Formatting</c>'s <see cref="Formatter"/>,
/// the registry nnb's engine and a .NET Interactive host both read. Type-specific registrations
/// take precedence over the registry's generic object formatters (which would enumerate a TorchSharp tensor).
/// </summary>
public static class Formatters
{
    /// <summary>text/plain.</summary>
    public const string PlainText = "text/plain";
    /// <summary>text/html.</summary>
    public const string HtmlMime = "text/html";

    /// <summary>Registers every formatter; calling it again registers them again (harmless, the newest wins).</summary>
    public static void Register()
    {
        Formatter.Register<Tensor>(t => TensorText.Format(t), PlainText);
        Formatter.Register<Tensor>(t => TensorHtml.Format(t), HtmlMime);
        // PyTorch prints parameters with this header line.
        Formatter.Register<Parameter>(p => "Parameter containing:\n" + TensorText.Format(p), PlainText);
        Formatter.Register<Parameter>(p => TensorHtml.Format(p), HtmlMime);
        Formatter.SetPreferredMimeTypesFor(typeof(Tensor), HtmlMime, PlainText);
        Formatter.SetPreferredMimeTypesFor(typeof(Parameter), HtmlMime, PlainText);

        Formatter.Register<ProbabilityTable>(ProbabilityTableView.ToText, PlainText);
        Formatter.Register<ProbabilityTable>(ProbabilityTableView.ToHtml, HtmlMime);
        Formatter.SetPreferredMimeTypesFor(typeof(ProbabilityTable), HtmlMime, PlainText);

        Formatter.Register<ModelSummary>(ModelSummaryView.ToText, PlainText);
        Formatter.Register<ModelSummary>(ModelSummaryView.ToHtml, HtmlMime);
        Formatter.SetPreferredMimeTypesFor(typeof(ModelSummary), HtmlMime, PlainText);

        Formatter.Register<TrainingProgressView>(v => v.ToText(), PlainText);
        Formatter.Register<TrainingProgressView>(v => v.ToHtml(), HtmlMime);
        Formatter.SetPreferredMimeTypesFor(typeof(TrainingProgressView), HtmlMime, PlainText);

        RegisterCharts();
    }

    /// <summary>Registers the formatter of Plotly.NET's charts alone (offline HTML, Plotly's JSON MIME type, a text
    /// line), for any chart a notebook makes: a host calls it when a notebook references Plotly.NET without this
    /// extension, and again after Plotly.NET.Interactive's extension registered its own (online) one.</summary>
    public static void RegisterCharts()
    {
        Formatter.Register<GenericChart>(ChartText, PlainText);
        Formatter.Register<GenericChart>(PlotlyHtml.ToHtml, HtmlMime);
        Formatter.Register<GenericChart>(PlotlyHtml.ToPlotlyJson, PlotlyHtml.PlotlyMimeType);
        foreach (var chartType in new[] { typeof(GenericChart), typeof(GenericChart.Chart), typeof(GenericChart.MultiChart) })
            Formatter.SetPreferredMimeTypesFor(chartType, HtmlMime, PlotlyHtml.PlotlyMimeType, PlainText);
    }

    /// <summary>What a text-only front end shows for a chart: its title and trace count.</summary>
    static string ChartText(GenericChart chart)
    {
        int traces = GenericChart.countTrace(chart);
        string title = GenericChart.getLayout(chart).TryGetTypedPropertyValue<object>("title") is { } t
            && t.Value is IDictionary<string, object> d && d.TryGetValue("text", out var text) ? $"\"{text}\" " : "";
        return $"Plotly chart {title}({traces} trace{(traces == 1 ? "" : "s")}); open the notebook in a front end that renders HTML to see it.";
    }
}
