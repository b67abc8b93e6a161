using TorchSharp;
using static TorchSharp.torch;

namespace NotebookNN.Models;

/// <summary>
/// Remembers the training flag of a model and of every module in it, and puts them all back when disposed. Calling
/// <c>model.train(previous)</c> is not enough: <c>train</c> recurses, so it would overwrite a sub-module that was
/// deliberately in another mode (a frozen batch norm in eval mode inside a training model).
/// </summary>
internal sealed class ModeScope : IDisposable
{
    readonly List<(nn.Module Module, bool Training)> _saved;
    bool _restored;

    ModeScope(List<(nn.Module, bool)> saved) => _saved = saved;

    public static ModeScope Save(nn.Module model)
    {
        // TorchSharp's modules() leaves out the root, so it goes first; parents precede children in this list.
        var saved = new[] { model }.Concat(model.modules()).Distinct(ReferenceEqualityComparer.Instance).Cast<nn.Module>()
            .Select(m => (m, m.training)).ToList();
        return new ModeScope(saved);
    }

    public void Dispose()
    {
        if (_restored) return;
        _restored = true;
        // Parents first: train() recurses, so each child's own flag is applied after its parent's.
        foreach (var (module, training) in _saved) module.train(training);
    }
}
