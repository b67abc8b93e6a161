using Plotly.NET;

namespace NotebookNN.Interactive.Plots;

/// <summary>
/// Builds Plotly.NET traces and layouts from property names as plotly.js documents them. Plotly.NET's typed
/// chart functions are F# extension members that C# cannot call, so the charts here set trace and layout
/// properties directly; Plotly.NET serialises them.
/// </summary>
internal static class ChartParts
{
    public static Trace Trace(string type, params (string Name, object? Value)[] properties)
    {
        var trace = new Trace(type);
        foreach (var (name, value) in properties)
            if (value is not null) trace.SetProperty(name, value);
        return trace;
    }

    public static Layout Layout(params (string Name, object? Value)[] properties)
    {
        var layout = new Layout();
        foreach (var (name, value) in properties)
            if (value is not null) layout.SetProperty(name, value);
        return layout;
    }

    public static GenericChart Chart(Layout layout, IEnumerable<Trace> traces) =>
        GenericChart.setLayout(layout, GenericChart.combine(traces.Select(t => GenericChart.ofTraceObject(true, t)).ToArray()));

    public static Dictionary<string, object> Obj(params (string Name, object? Value)[] properties) =>
        properties.Where(p => p.Value is not null).ToDictionary(p => p.Name, p => p.Value!);

    public static Dictionary<string, object> Title(string text) => Obj(("text", text));

    public static Dictionary<string, object> Axis(string title, params (string Name, object? Value)[] more) =>
        Obj([("title", Title(title)), .. more]);
}
