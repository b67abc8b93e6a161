using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using Reduction = TorchSharp.torch.nn.Reduction;

namespace NotebookNN.Losses;

/// <summary>
/// Loss functions with the exact semantics of the framework each one mirrors (named in its documentation).
/// All take <c>(predictions, targets)</c> in that order, PyTorch style, and return a differentiable tensor.
/// <para>
/// Two reduction conventions exist and are not the same:
/// PyTorch losses reduce over <em>every element</em> (<see cref="Reduction.None"/> returns the element-wise loss);
/// Keras losses first average over the <em>last axis</em> to get one loss per sample, then reduce over the samples
/// (<see cref="Reduction.None"/> returns the per-sample loss, Keras' <c>reduction=None</c>).
/// </para>
/// <para>
/// Bad input is an error, never a NaN: an empty batch, and NaN or infinite scores, logits or targets, throw an
/// <see cref="ArgumentException"/> naming the argument (the library's rule, see <see cref="Checks"/>; PyTorch would
/// return NaN). The value checks can be switched off inside a training loop with <see cref="Checks.WithoutValueChecks"/>.
/// </para>
/// </summary>
public static class Loss
{
    /// <summary>Keras' <c>backend.epsilon()</c>: probabilities are clipped to [1e-7, 1 - 1e-7] before the logarithm.</summary>
    public const double KerasEpsilon = 1e-7;

    // ---------------------------------------------------------------- PyTorch

    /// <summary>
    /// Binary cross-entropy on logits, mirroring PyTorch's <c>F.binary_cross_entropy_with_logits</c>: the numerically
    /// stable form <c>max(z,0) - z*y + log(1 + exp(-|z|))</c>, averaged over every element for <see cref="Reduction.Mean"/>.
    /// </summary>
    /// <param name="logits">Raw scores (before sigmoid), any shape.</param>
    /// <param name="targets">0/1 or soft targets in [0, 1], same shape as <paramref name="logits"/>.</param>
    /// <param name="reduction">Mean or Sum over all elements; None returns the element-wise loss.</param>
    /// <param name="weight">Optional per-element weight, broadcast to the loss (PyTorch's <c>weight</c>).</param>
    /// <param name="positiveWeight">Optional weight of the positive term per label, broadcast along the last axis (PyTorch's <c>pos_weight</c>).</param>
    public static Tensor BinaryCrossEntropyWithLogits(Tensor logits, Tensor targets, Reduction reduction = Reduction.Mean,
        Tensor? weight = null, Tensor? positiveWeight = null)
    {
        CheckScoresAndTargets(logits, targets, "logits");
        Checks.TargetsInUnitInterval(targets, nameof(targets));
        return F.binary_cross_entropy_with_logits(logits, targets.to_type(logits.dtype), weight, reduction, positiveWeight);
    }

    /// <summary>
    /// Binary cross-entropy on probabilities, mirroring PyTorch's <c>F.binary_cross_entropy</c>: no clipping, but each
    /// logarithm is clamped at -100, so a probability of exactly 0 or 1 on the wrong side costs 100, not infinity.
    /// Reduces over every element. Compare <see cref="KerasBinaryCrossEntropy"/>, which clips at 1e-7 instead.
    /// </summary>
    public static Tensor TorchBinaryCrossEntropy(Tensor probabilities, Tensor targets, Reduction reduction = Reduction.Mean)
    {
        CheckScoresAndTargets(probabilities, targets, "probabilities");
        Checks.Probabilities(probabilities, nameof(probabilities), nameof(BinaryCrossEntropyWithLogits));
        Checks.TargetsInUnitInterval(targets, nameof(targets));
        return F.binary_cross_entropy(probabilities, targets.to_type(probabilities.dtype), null, reduction);
    }

    /// <summary>
    /// Cross-entropy on logits, mirroring PyTorch's <c>F.cross_entropy</c>: <c>log_softmax</c> over axis 1 followed by the
    /// negative log-likelihood. Logits are <c>(N, C)</c> or <c>(N, C, d1, ...)</c> (classes on axis 1, PyTorch layout);
    /// labels are integer class indices <c>(N)</c> / <c>(N, d1, ...)</c>, or class probabilities of the logits' shape.
    /// With class weights and Mean, the sum is divided by the sum of the weights of the counted targets, as PyTorch does.
    /// With Mean and every label equal to <paramref name="ignoreIndex"/> nothing is counted and the result is NaN (0/0),
    /// also as PyTorch does; this is kept on purpose (the numbers match PyTorch's), so when whole batches can be padding use
    /// <see cref="MaskedSparseCategoricalCrossEntropyFromLogits"/>, which gives 0 there.
    /// </summary>
    /// <param name="logits">Raw scores (no softmax applied).</param>
    /// <param name="labels">Integer class indices, or float class probabilities with the logits' shape.</param>
    /// <param name="reduction">Mean, Sum, or None (one loss per sample/position).</param>
    /// <param name="classWeights">Optional weight per class, length C.</param>
    /// <param name="ignoreIndex">Integer labels equal to this are skipped (PyTorch's default -100).</param>
    /// <param name="labelSmoothing">PyTorch's label smoothing in [0, 1].</param>
    public static Tensor CrossEntropy(Tensor logits, Tensor labels, Reduction reduction = Reduction.Mean,
        Tensor? classWeights = null, long ignoreIndex = -100, double labelSmoothing = 0.0)
    {
        Checks.NotNull(logits, nameof(logits));
        Checks.NotNull(labels, nameof(labels));
        Checks.FloatingPoint(logits, nameof(logits));
        Checks.NotEmptyAndFinite(logits, nameof(logits));
        Checks.RankBetween(logits, 2, 8, nameof(logits), "(N, C) or (N, C, d1, ...) with classes on axis 1");
        Checks.NotSingleUnitSoftmax(logits.shape[1], $"CrossEntropy on logits of shape {Checks.Shape(logits)}");
        if (labelSmoothing < 0.0 || labelSmoothing > 1.0)
            throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing, "Label smoothing must lie in [0, 1].");
        if (torch.is_floating_point(labels))
        {
            Checks.SameShape(logits, labels, nameof(logits), nameof(labels));
            Checks.TargetsInUnitInterval(labels, nameof(labels));
            return F.cross_entropy(logits, labels.to_type(logits.dtype), classWeights, ignoreIndex, reduction, labelSmoothing);
        }
        CheckSparseLayout(logits, labels, classAxis: 1);
        if (Checks.ValueChecksEnabled)
        {
            using var _ = NewDisposeScope();
            var counted = labels.masked_select(labels != ignoreIndex);
            Checks.LabelsInRange(counted, logits.shape[1], nameof(labels));
        }
        return F.cross_entropy(logits, labels.to_type(ScalarType.Int64), classWeights, ignoreIndex, reduction, labelSmoothing);
    }

    // ---------------------------------------------------------------- Keras

    /// <summary>
    /// Keras' binary cross-entropy on probabilities, element by element: probabilities are clipped to
    /// [1e-7, 1 - 1e-7] and <c>-(y log p + (1 - y) log(1 - p))</c> is returned with the input's shape
    /// (Keras 3 <c>keras.ops.binary_crossentropy</c>; tf.keras 2 also added 1e-7 inside each logarithm,
    /// which changes values only where the clipping is active).
    /// </summary>
    public static Tensor KerasBinaryCrossEntropyElementwise(Tensor probabilities, Tensor targets)
    {
        CheckScoresAndTargets(probabilities, targets, "probabilities");
        Checks.Probabilities(probabilities, nameof(probabilities), nameof(KerasBinaryCrossEntropyFromLogits));
        Checks.TargetsInUnitInterval(targets, nameof(targets));
        var y = targets.to_type(probabilities.dtype);
        var p = probabilities.clamp(KerasEpsilon, 1.0 - KerasEpsilon);
        return -(y * p.log() + (1.0 - y) * (1.0 - p).log());
    }

    /// <summary>
    /// Keras' <c>binary_crossentropy</c> on probabilities (<c>from_logits=False</c>): the clipped element-wise loss
    /// (<see cref="KerasBinaryCrossEntropyElementwise"/>) averaged over the last axis to one loss per sample, then
    /// averaged (Mean, Keras' <c>sum_over_batch_size</c>) or summed over the samples; None returns the per-sample loss.
    /// For a 1-D input each element is one sample.
    /// </summary>
    public static Tensor KerasBinaryCrossEntropy(Tensor probabilities, Tensor targets, Reduction reduction = Reduction.Mean)
        => ReduceKeras(MeanOverLastAxis(KerasBinaryCrossEntropyElementwise(probabilities, targets)), reduction);

    /// <summary>
    /// Keras' <c>binary_crossentropy(from_logits=True)</c>: the stable sigmoid cross-entropy on logits, averaged over the
    /// last axis per sample, then reduced over the samples as <see cref="KerasBinaryCrossEntropy"/> does.
    /// </summary>
    public static Tensor KerasBinaryCrossEntropyFromLogits(Tensor logits, Tensor targets, Reduction reduction = Reduction.Mean)
        => ReduceKeras(MeanOverLastAxis(BinaryCrossEntropyWithLogits(logits, targets, Reduction.None)), reduction);

    /// <summary>
    /// Keras' <c>categorical_crossentropy</c> on probabilities: each row (last axis) is divided by its sum, clipped to
    /// [1e-7, 1 - 1e-7], and <c>-sum(y log p)</c> is taken over the last axis; then reduced over the samples.
    /// Targets are one-hot (or soft) rows with the same shape.
    /// </summary>
    public static Tensor KerasCategoricalCrossEntropy(Tensor probabilities, Tensor targets, Reduction reduction = Reduction.Mean)
    {
        CheckScoresAndTargets(probabilities, targets, "probabilities");
        Checks.Probabilities(probabilities, nameof(probabilities), nameof(KerasCategoricalCrossEntropyFromLogits));
        Checks.TargetsInUnitInterval(targets, nameof(targets));
        Checks.NotSingleUnitSoftmax(probabilities, nameof(probabilities));
        var p = probabilities / probabilities.sum(-1, keepdim: true);
        p = p.clamp(KerasEpsilon, 1.0 - KerasEpsilon);
        var perSample = -(targets.to_type(probabilities.dtype) * p.log()).sum(-1);
        return ReduceKeras(perSample, reduction);
    }

    /// <summary>
    /// Keras' <c>categorical_crossentropy(from_logits=True)</c>: <c>-sum(y * log_softmax(z))</c> over the last axis
    /// (classes last, Keras layout), then reduced over the samples.
    /// </summary>
    public static Tensor KerasCategoricalCrossEntropyFromLogits(Tensor logits, Tensor targets, Reduction reduction = Reduction.Mean)
    {
        CheckScoresAndTargets(logits, targets, "logits");
        Checks.TargetsInUnitInterval(targets, nameof(targets));
        Checks.NotSingleUnitSoftmax(logits, nameof(logits));
        var perSample = -(targets.to_type(logits.dtype) * logits.log_softmax(-1)).sum(-1);
        return ReduceKeras(perSample, reduction);
    }

    /// <summary>
    /// Keras' <c>sparse_categorical_crossentropy</c> on probabilities: probabilities (classes on the last axis) are clipped
    /// to [1e-7, 1 - 1e-7], their logarithm is treated as logits, and the softmax cross-entropy at the integer label is
    /// returned, i.e. <c>-log(clip(p)_y / sum(clip(p)))</c>. On rows that sum to 1 and need no clipping this equals
    /// <see cref="KerasCategoricalCrossEntropy"/> with one-hot targets. Labels have the batch shape, or it plus a trailing 1.
    /// </summary>
    public static Tensor KerasSparseCategoricalCrossEntropy(Tensor probabilities, Tensor labels, Reduction reduction = Reduction.Mean)
    {
        Checks.NotEmptyAndFinite(probabilities, nameof(probabilities));
        Checks.Probabilities(probabilities, nameof(probabilities), nameof(SparseCategoricalCrossEntropyFromLogits));
        var logits = probabilities.clamp(KerasEpsilon, 1.0 - KerasEpsilon).log();
        return ReduceKeras(SparseClassLast(logits, labels, nameof(probabilities)), reduction);
    }

    /// <summary>
    /// Keras' <c>sparse_categorical_crossentropy(from_logits=True)</c>: softmax cross-entropy with integer labels and the
    /// classes on the <em>last</em> axis (Keras layout, e.g. <c>(B, T, C)</c> for a tagger; PyTorch's
    /// <see cref="CrossEntropy"/> wants them on axis 1). Reduced over every sample/position.
    /// </summary>
    public static Tensor SparseCategoricalCrossEntropyFromLogits(Tensor logits, Tensor labels, Reduction reduction = Reduction.Mean)
    {
        Checks.NotEmptyAndFinite(logits, nameof(logits));
        return ReduceKeras(SparseClassLast(logits, labels, nameof(logits)), reduction);
    }

    // ---------------------------------------------------------------- masks, weights, multi-task

    /// <summary>
    /// The mean of a per-element loss over the elements where <paramref name="mask"/> is true (or non-zero):
    /// <c>sum(loss[mask]) / count(mask)</c>, as Keras' masking gives. Masked elements contribute an exact 0 (selected
    /// away, not multiplied by 0), so NaN or infinity there cannot leak into the result or its gradient.
    /// Returns 0 when nothing is unmasked (Keras' <c>divide_no_nan</c>). An empty loss, or NaN or infinity at an
    /// unmasked position, is an error.
    /// </summary>
    public static Tensor MaskedMean(Tensor perElementLoss, Tensor mask)
    {
        Checks.NotNull(perElementLoss, nameof(perElementLoss));
        Checks.FloatingPoint(perElementLoss, nameof(perElementLoss));
        Checks.NotEmpty(perElementLoss, nameof(perElementLoss));
        var keep = MaskToBool(mask, perElementLoss, nameof(mask));
        FiniteWhereKept(perElementLoss, keep, nameof(perElementLoss));
        var kept = torch.where(keep, perElementLoss, torch.zeros_like(perElementLoss));
        var count = keep.sum().to_type(perElementLoss.dtype);
        return kept.sum() / count.clamp_min(1.0);
    }

    /// <summary>
    /// Cross-entropy on logits with classes on the last axis (e.g. a tagger's <c>(B, T, C)</c>), averaged over the
    /// positions where <paramref name="mask"/> is true. Labels at masked positions are replaced by class 0 before the loss
    /// is computed, so they may hold anything (padding values, -1, out-of-range ids): the loss and its gradients are
    /// bitwise independent of them. Logits at masked positions are not checked either; NaN or infinity at an unmasked
    /// position is an error.
    /// </summary>
    public static Tensor MaskedSparseCategoricalCrossEntropyFromLogits(Tensor logits, Tensor labels, Tensor mask)
    {
        Checks.NotNull(logits, nameof(logits));
        Checks.NotNull(labels, nameof(labels));
        Checks.FloatingPoint(logits, nameof(logits));
        Checks.NotEmpty(logits, nameof(logits));
        Checks.IntegerLabels(labels, nameof(labels));
        var keep = MaskToBool(mask, labels, nameof(mask));
        var safeLabels = torch.where(keep, labels, torch.zeros_like(labels));
        var perPosition = SparseClassLast(logits, safeLabels, nameof(logits));
        // The layout is checked by now: the mask covers the positions, the classes are the last axis.
        FiniteWhereKept(logits, keep.dim() < logits.dim() ? keep.unsqueeze(-1) : keep, nameof(logits));
        return MaskedMean(perPosition, keep);
    }

    /// <summary>
    /// Element-wise binary cross-entropy on logits averaged over the elements where <paramref name="mask"/> is true.
    /// Targets at masked positions are replaced by 0 first, so their values (padding, -1) do not matter; logits there
    /// are not checked either. NaN or infinity at an unmasked position is an error.
    /// </summary>
    public static Tensor MaskedBinaryCrossEntropyWithLogits(Tensor logits, Tensor targets, Tensor mask)
    {
        Checks.NotNull(logits, nameof(logits));
        Checks.NotNull(targets, nameof(targets));
        Checks.FloatingPoint(logits, nameof(logits));
        Checks.NotEmpty(logits, nameof(logits));
        Checks.SameShape(logits, targets, nameof(logits), nameof(targets));
        var keep = MaskToBool(mask, logits, nameof(mask));
        FiniteWhereKept(logits, keep, nameof(logits));
        var safeTargets = torch.where(keep, targets.to_type(logits.dtype), torch.zeros_like(logits));
        Checks.TargetsInUnitInterval(safeTargets, nameof(targets));
        // The logits were checked where they count; the per-element loss at masked positions is selected away.
        var perElement = F.binary_cross_entropy_with_logits(logits, safeTargets, null, Reduction.None, null);
        return MaskedMean(perElement, keep);
    }

    /// <summary>
    /// A weighted mean of a per-element (or per-sample) loss, <c>sum(w * loss) / sum(w)</c> — PyTorch's convention for
    /// weighted losses with Mean reduction. Weights are non-negative and broadcast to the loss's shape.
    /// </summary>
    public static Tensor WeightedMean(Tensor perElementLoss, Tensor weights)
    {
        var w = CheckWeights(perElementLoss, weights, nameof(perElementLoss), nameof(weights));
        var total = w.sum();
        if (total.to_type(ScalarType.Float64).item<double>() <= 0.0)
            throw new ArgumentException("'weights' sum to 0: give at least one element a positive weight.", nameof(weights));
        return (w * perElementLoss).sum() / total;
    }

    /// <summary>
    /// Keras' <c>sample_weight</c> convention: <c>sum(w * loss) / n</c>, dividing by the number of samples
    /// (<c>sum_over_batch_size</c>), not by the sum of the weights as <see cref="WeightedMean"/> does.
    /// </summary>
    public static Tensor KerasSampleWeightedMean(Tensor perSampleLoss, Tensor sampleWeights)
    {
        var w = CheckWeights(perSampleLoss, sampleWeights, nameof(perSampleLoss), nameof(sampleWeights));
        return (w * perSampleLoss).sum() / perSampleLoss.numel();
    }

    /// <summary>
    /// The total loss of a multi-task model: <c>sum_i weight_i * loss_i</c> over scalar task losses (Keras'
    /// <c>loss_weights</c>). The result stays differentiable with respect to every task's loss.
    /// </summary>
    public static Tensor WeightedSum(params (Tensor Loss, double Weight)[] terms)
    {
        Checks.NotEmpty(terms, nameof(terms));
        Tensor? total = null;
        for (int i = 0; i < terms.Length; i++)
        {
            var (loss, weight) = terms[i];
            Checks.NotNull(loss, $"terms[{i}].Loss");
            if (loss.numel() != 1)
                throw new ArgumentException(
                    $"Task loss {i} has shape {Checks.Shape(loss)}, but a scalar is expected: reduce it (Mean or Sum) before weighting.",
                    nameof(terms));
            Checks.Finite(loss, $"terms[{i}].Loss");
            Checks.NonNegative(weight, $"terms[{i}].Weight");
            var term = loss.reshape() * weight;
            total = total is null ? term : total + term;
        }
        return total!;
    }

    /// <summary>The multi-task total from two parallel lists (see <see cref="WeightedSum(ValueTuple{Tensor, double}[])"/>).</summary>
    public static Tensor WeightedSum(IReadOnlyList<Tensor> losses, IReadOnlyList<double> weights)
    {
        Checks.NotEmpty(losses, nameof(losses));
        Checks.NotEmpty(weights, nameof(weights));
        if (losses.Count != weights.Count)
            throw new ArgumentException(
                $"{losses.Count} task loss(es) but {weights.Count} weight(s): give exactly one weight per task.", nameof(weights));
        return WeightedSum(losses.Zip(weights).Select(t => (t.First, t.Second)).ToArray());
    }

    // ---------------------------------------------------------------- shared pieces

    static void CheckScoresAndTargets(Tensor scores, Tensor targets, string scoresName)
    {
        Checks.NotNull(scores, scoresName);
        Checks.NotNull(targets, nameof(targets));
        Checks.FloatingPoint(scores, scoresName);
        Checks.NotEmptyAndFinite(scores, scoresName);
        Checks.SameShape(scores, targets, scoresName, nameof(targets));
    }

    // The masked losses read values only where the mask keeps them; NaN or infinity there is an error, elsewhere not.
    static void FiniteWhereKept(Tensor values, Tensor keep, string name)
    {
        if (!Checks.ValueChecksEnabled) return;
        using var _ = NewDisposeScope();
        Checks.Finite(values.masked_select(keep.to(values.device)), name);
    }

    // Keras averages over the last axis to get one loss per sample; a 1-D input is already one value per sample.
    static Tensor MeanOverLastAxis(Tensor elementwise) => elementwise.dim() <= 1 ? elementwise : elementwise.mean([-1L]);

    static Tensor ReduceKeras(Tensor perSample, Reduction reduction) => reduction switch
    {
        Reduction.None => perSample,
        Reduction.Sum => perSample.sum(),
        Reduction.Mean => perSample.mean(),
        _ => throw new ArgumentOutOfRangeException(nameof(reduction), reduction, "Use Reduction.Mean, Sum or None."),
    };

    // Labels (B...) or (B..., 1) against class-last scores (B..., C); returns the per-sample loss (B...).
    static Tensor SparseClassLast(Tensor logits, Tensor labels, string scoresName)
    {
        Checks.NotNull(labels, nameof(labels));
        Checks.FloatingPoint(logits, scoresName);
        if (logits.dim() < 1)
            throw new ArgumentException($"'{scoresName}' is a scalar: pass scores with the classes on the last axis.", scoresName);
        Checks.NotSingleUnitSoftmax(logits, scoresName);
        var squeezed = labels.dim() == logits.dim() && labels.shape[^1] == 1 ? labels.squeeze(-1) : labels;
        CheckSparseLayout(logits, squeezed, classAxis: logits.dim() - 1);
        long classes = logits.shape[^1];
        Checks.LabelsInRange(squeezed, classes, nameof(labels));
        var logp = logits.log_softmax(-1);
        return -logp.gather(-1, squeezed.to_type(ScalarType.Int64).unsqueeze(-1)).squeeze(-1);
    }

    static void CheckSparseLayout(Tensor logits, Tensor labels, long classAxis)
    {
        Checks.IntegerLabels(labels, nameof(labels));
        var expected = logits.shape.Where((_, i) => i != classAxis).ToArray();
        if (!labels.shape.SequenceEqual(expected))
        {
            string layout = classAxis == 1 && logits.dim() > 2
                ? " PyTorch's CrossEntropy wants the classes on axis 1: permute (B, T, C) logits to (B, C, T), or use SparseCategoricalCrossEntropyFromLogits (classes last)."
                : labels.dim() == logits.dim() && labels.shape.SequenceEqual(logits.shape)
                    ? " The labels look one-hot: use the categorical form, or take labels.argmax(-1)."
                    : "";
            throw new ArgumentException(
                $"Integer labels of shape {Checks.Shape(labels)} do not fit scores of shape {Checks.Shape(logits)}: " +
                $"one label per sample/position is expected, i.e. shape {Checks.Shape(expected)}.{layout}",
                nameof(labels));
        }
    }

    static Tensor MaskToBool(Tensor mask, Tensor like, string name)
    {
        Checks.NotNull(mask, name);
        if (!mask.shape.SequenceEqual(like.shape))
            throw new ArgumentException(
                $"'{name}' has shape {Checks.Shape(mask)} but the values it masks have shape {Checks.Shape(like)}: " +
                "give one mask entry per element (true = counted, false = ignored).",
                name);
        return mask.dtype == ScalarType.Bool ? mask : mask != 0;
    }

    // NumPy broadcasting without growing the target: align trailing axes, each equal or 1 in the source.
    static bool Broadcasts(long[] source, long[] target)
    {
        if (source.Length > target.Length) return false;
        for (int i = 1; i <= source.Length; i++)
            if (source[^i] != 1 && source[^i] != target[^i]) return false;
        return true;
    }

    static Tensor CheckWeights(Tensor loss, Tensor weights, string lossName, string weightsName)
    {
        Checks.NotNull(loss, lossName);
        Checks.NotNull(weights, weightsName);
        Checks.FloatingPoint(loss, lossName);
        Checks.NotEmptyAndFinite(loss, lossName);
        Checks.Finite(weights, weightsName);
        if (!Broadcasts(weights.shape, loss.shape))
            throw new ArgumentException(
                $"'{weightsName}' of shape {Checks.Shape(weights)} cannot be broadcast to the loss of shape {Checks.Shape(loss)}: " +
                "give one weight per sample (or per element).", weightsName);
        var w = weights.to_type(loss.dtype).expand(loss.shape);
        if (w.numel() > 0 && w.min().to_type(ScalarType.Float64).item<double>() < 0.0)
            throw new ArgumentException($"'{weightsName}' contains negative values: weights must be 0 or more.", weightsName);
        return w;
    }
}
