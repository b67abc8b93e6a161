using TorchSharp;
using static TorchSharp.torch;

namespace NotebookNN.Uncertainty;

/// <summary>
/// Deep ensembles (Lakshminarayanan et al., 2017): M independently initialised and trained models, each run once in
/// evaluation mode; their predictions form the same <see cref="PredictiveDistribution"/> as MC dropout's passes, with
/// T = M.
/// </summary>
public static class DeepEnsemble
{
    /// <summary>Runs every member on <paramref name="x"/> (in batches, without gradients) and summarises them.</summary>
    /// <param name="members">At least two trained models with the same output layout.</param>
    /// <param name="x">Inputs <c>[N, ...]</c>.</param>
    /// <param name="output">What the models output.</param>
    /// <param name="batchSize">Samples per forward call.</param>
    public static PredictiveDistribution Predict(IReadOnlyList<nn.Module<Tensor, Tensor>> members, Tensor x,
        OutputKind output, int batchSize = 1024)
    {
        Checks.NotEmpty(members, nameof(members));
        if (members.Count < 2)
            throw new ArgumentException("An ensemble needs at least two members; with one there is no spread to measure.", nameof(members));
        Checks.NotEmptyAndFinite(x, nameof(x));
        Checks.AtLeast(batchSize, 1, nameof(batchSize));
        using var scope = NewDisposeScope();
        var perMember = new List<Tensor>(members.Count);
        for (int m = 0; m < members.Count; m++)
        {
            var model = members[m] ?? throw new ArgumentException($"Ensemble member {m} is null.", nameof(members));
            var outputs = RunEval(model, x.to(McDropout.DeviceOf(model)), batchSize);
            if (perMember.Count > 0 && !outputs.shape.SequenceEqual(perMember[0].shape))
                throw new ArgumentException(
                    $"Ensemble member {m} outputs shape {Checks.Shape(outputs)} but member 0 outputs {Checks.Shape(perMember[0])}: " +
                    "every member must have the same output layout.", nameof(members));
            perMember.Add(outputs.to(perMember.Count > 0 ? perMember[0].device : outputs.device));
        }
        var probabilities = PredictiveDistribution.ToProbabilities(stack(perMember), output, "member outputs");
        return PredictiveDistribution.FromProbabilities(probabilities);
    }

    static Tensor RunEval(nn.Module<Tensor, Tensor> model, Tensor x, int batchSize)
    {
        using var modes = Models.ModeScope.Save(model);
        model.eval();
        using var noGrad = no_grad();
        long n = x.shape[0];
        var parts = new List<Tensor>();
        for (long start = 0; start < n; start += batchSize)
            parts.Add(model.call(x.narrow(0, start, Math.Min(batchSize, n - start))));
        return parts.Count == 1 ? parts[0] : cat(parts.ToArray());
    }
}
