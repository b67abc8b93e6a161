using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NotebookNN.Models;

/// <summary>
/// A shared trunk with one head per task. <c>forward</c> returns the heads' outputs side by side,
/// <c>[N, sum of head widths]</c> (so the model trains with <see cref="Training.Trainer"/>); <see cref="ForwardTasks"/>
/// and <see cref="SplitTasks"/> give them per task by name, for per-task losses, probabilities and metrics.
/// </summary>
public sealed class MultiTaskModel : nn.Module<Tensor, Tensor>
{
    readonly nn.Module<Tensor, Tensor> trunk;
    readonly ModuleDict<nn.Module<Tensor, Tensor>> heads;
    readonly List<(string Name, int Start, int Width)> _slices = [];

    /// <summary>Creates the model from a trunk and named heads with their output widths.</summary>
    public MultiTaskModel(nn.Module<Tensor, Tensor> trunk,
        IReadOnlyList<(string Name, nn.Module<Tensor, Tensor> Head, int Width)> heads) : base(nameof(MultiTaskModel))
    {
        this.trunk = trunk ?? throw new ArgumentNullException(nameof(trunk), "Pass the shared trunk module.");
        Checks.NotEmpty(heads, nameof(heads));
        this.heads = new ModuleDict<nn.Module<Tensor, Tensor>>();
        int start = 0;
        foreach (var (name, head, width) in heads)
        {
            if (string.IsNullOrWhiteSpace(name) || name.Contains('.'))
                throw new ArgumentException($"Task name '{name}' is not valid: use a non-empty name without dots.", nameof(heads));
            if (_slices.Any(s => s.Name == name))
                throw new ArgumentException($"Task '{name}' appears twice: give every task its own name.", nameof(heads));
            ArgumentNullException.ThrowIfNull(head);
            Checks.AtLeast(width, 1, $"width of task '{name}'");
            this.heads.Add((name, head));
            _slices.Add((name, start, width));
            start += width;
        }
        RegisterComponents();
    }

    /// <summary>
    /// Builds an MLP trunk (<paramref name="trunkSizes"/> = input size then hidden sizes, each followed by the
    /// activation and optional dropout) and one linear head per task, each outputting logits.
    /// </summary>
    /// <param name="trunkSizes">The input size, then the shared hidden sizes (at least one).</param>
    /// <param name="tasks">Task names and output widths, e.g. five binary tasks of width 1.</param>
    /// <param name="activation">The trunk's activation.</param>
    /// <param name="dropout">Dropout after each trunk layer, in [0, 1).</param>
    public static MultiTaskModel Create(IReadOnlyList<int> trunkSizes, IReadOnlyList<(string Name, int Width)> tasks,
        Activation activation = Activation.ReLU, double dropout = 0)
    {
        ArgumentNullException.ThrowIfNull(trunkSizes);
        if (trunkSizes.Count < 2)
            throw new ArgumentException("trunkSizes needs the input size and at least one hidden size, e.g. [20, 32].", nameof(trunkSizes));
        Checks.NotEmpty(tasks, nameof(tasks));
        if (!(dropout >= 0 && dropout < 1)) throw new ArgumentOutOfRangeException(nameof(dropout), dropout, "Dropout must be in [0, 1).");
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
        for (int i = 1; i < trunkSizes.Count; i++)
        {
            Checks.AtLeast(trunkSizes[i - 1], 1, $"trunkSizes[{i - 1}]");
            Checks.AtLeast(trunkSizes[i], 1, $"trunkSizes[{i}]");
            layers.Add(($"dense_{i}", nn.Linear(trunkSizes[i - 1], trunkSizes[i])));
            layers.Add(($"{Layers.Name(activation)}_{i}", Layers.Create(activation)));
            if (dropout > 0) layers.Add(($"dropout_{i}", nn.Dropout(dropout)));
        }
        var heads = tasks.Select(t => (t.Name, (nn.Module<Tensor, Tensor>)nn.Linear(trunkSizes[^1], Checks.AtLeast(t.Width, 1, $"width of task '{t.Name}'")), t.Width)).ToList();
        return new MultiTaskModel(nn.Sequential(layers), heads);
    }

    /// <summary>The task names, in output order.</summary>
    public IReadOnlyList<string> TaskNames => _slices.Select(s => s.Name).ToList();

    /// <summary>The total output width (sum of the head widths).</summary>
    public int OutputWidth => _slices.Sum(s => s.Width);

    /// <summary>Where a task's outputs lie in the concatenated output.</summary>
    public (int Start, int Width) TaskSlice(string task)
    {
        foreach (var s in _slices)
            if (s.Name == task) return (s.Start, s.Width);
        throw new KeyNotFoundException($"There is no task '{task}'. Tasks: {string.Join(", ", TaskNames)}.");
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        var shared = trunk.call(input);
        var outputs = _slices.Select(s => heads[s.Name].call(shared)).ToArray();
        return cat(outputs, 1);
    }

    /// <summary>Runs the model once and returns each task's head output by name.</summary>
    public IReadOnlyDictionary<string, Tensor> ForwardTasks(Tensor input) => SplitTasks(call(input));

    /// <summary>Splits a concatenated output (from <c>forward</c> or <see cref="Training.Trainer.Predict"/>) into
    /// per-task views <c>[N, width]</c> by name.</summary>
    public IReadOnlyDictionary<string, Tensor> SplitTasks(Tensor output)
    {
        if (output.dim() != 2 || output.shape[1] != OutputWidth)
            throw new ArgumentException(
                $"Expected this model's output [N, {OutputWidth}], but got shape {Checks.Shape(output)}.", nameof(output));
        return _slices.ToDictionary(s => s.Name, s => output.narrow(1, s.Start, s.Width), StringComparer.Ordinal);
    }
}
