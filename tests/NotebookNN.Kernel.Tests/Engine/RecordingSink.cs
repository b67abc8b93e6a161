using NotebookNN.Kernel.Engine;

namespace NotebookNN.Kernel.Tests.Engine;

/// <summary>Collects a cell's outputs in order.</summary>
internal sealed class RecordingSink : ICellOutputSink
{
    private readonly List<CellOutput> _outputs = [];

    public IReadOnlyList<CellOutput> Outputs
    {
        get { lock (_outputs) return _outputs.ToList(); }
    }

    public void Write(CellOutput output)
    {
        lock (_outputs) _outputs.Add(output);
    }

    /// <summary>All text of one stream, concatenated.</summary>
    public string Stream(string name) => string.Concat(Outputs.OfType<StreamOutput>().Where(s => s.Name == name).Select(s => s.Text));

    /// <summary>The outputs with adjacent text of the same stream joined: how a front end shows them, whichever
    /// way the engine batched the writes.</summary>
    public IReadOnlyList<CellOutput> MergedStreams()
    {
        var merged = new List<CellOutput>();
        foreach (var output in Outputs)
        {
            if (output is StreamOutput next && merged.Count > 0 && merged[^1] is StreamOutput previous && previous.Name == next.Name)
                merged[^1] = previous with { Text = previous.Text + next.Text };
            else
                merged.Add(output);
        }
        return merged;
    }

    public ExecuteResultOutput Result => Assert.Single(Outputs.OfType<ExecuteResultOutput>());

    public ErrorOutput Error => Assert.Single(Outputs.OfType<ErrorOutput>());
}

/// <summary>Runs cells against one engine and checks they succeed.</summary>
internal static class EngineExtensions
{
    public static async Task<RecordingSink> RunOkAsync(this NotebookEngine engine, string code, TimeSpan? timeout = null)
    {
        var sink = new RecordingSink();
        var result = await engine.ExecuteAsync(code, sink, timeout ?? TimeSpan.FromSeconds(60));
        Assert.True(result.Status == CellStatus.Ok,
            $"Cell failed with {result.Status}: {string.Join("\n", result.Error?.Traceback ?? [])}");
        return sink;
    }

    public static async Task<(CellResult Result, RecordingSink Sink)> RunAsync(this NotebookEngine engine, string code, TimeSpan? timeout = null)
    {
        var sink = new RecordingSink();
        var result = await engine.ExecuteAsync(code, sink, timeout ?? TimeSpan.FromSeconds(60));
        return (result, sink);
    }
}

/// <summary>One engine shared by the tests of a class (they run one after another), to keep the suite fast.</summary>
public sealed class EngineFixture : IDisposable
{
    public NotebookEngine Engine { get; } = new(new EngineOptions { WorkingDirectory = AppContext.BaseDirectory });

    public void Dispose() => Engine.Dispose();
}
