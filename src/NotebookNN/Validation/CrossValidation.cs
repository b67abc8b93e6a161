using System.Globalization;
using TorchSharp;

namespace NotebookNN.Validation;

/// <summary>The scores of a cross-validation, one per fold, with their mean and spread.</summary>
/// <param name="Scores">The score of each fold, in fold order.</param>
public sealed record CrossValidationResult(IReadOnlyList<double> Scores)
{
    /// <summary>The mean score.</summary>
    public double Mean => Scores.Average();

    /// <summary>The population standard deviation (ddof = 0, numpy's <c>scores.std()</c> as scikit-learn examples report it),
    /// by the library's corrected two-pass formula.</summary>
    public double Std => Math.Sqrt(Moments.MeanAndVariance(Scores).Variance);

    /// <summary>The sample standard deviation (ddof = 1); NaN for a single fold.</summary>
    public double SampleStd => Scores.Count < 2 ? double.NaN : Math.Sqrt(Moments.MeanAndVariance(Scores, ddof: 1).Variance);

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Mean:F4} ± {Std:F4} over {Scores.Count} folds");
}

/// <summary>
/// Runs a cross-validation with a fresh model per fold. The factory is called once per fold with the fold's number;
/// it must build a new model each time. Reusing a model (or a layer, for TorchSharp modules) would carry weights from
/// one fold's training into the next fold's test and inflate the score, so it is detected and rejected.
/// </summary>
public static class CrossValidation
{
    /// <summary>
    /// For each fold: builds a model with <paramref name="modelFactory"/>, trains and scores it with
    /// <paramref name="trainAndScore"/> (train on <c>fold.Train(x)</c>, score on <c>fold.Test(x)</c>), and collects the
    /// scores. Models that are <see cref="IDisposable"/> are disposed after their fold when <paramref name="disposeModels"/>.
    /// </summary>
    public static CrossValidationResult Run<TModel>(IReadOnlyList<Fold> folds, Func<int, TModel> modelFactory,
        Func<TModel, Fold, double> trainAndScore, bool disposeModels = true) where TModel : class
    {
        ArgumentNullException.ThrowIfNull(trainAndScore);
        var perMetric = RunMany(folds, modelFactory, (m, f) => new Dictionary<string, double> { ["score"] = trainAndScore(m, f) },
            disposeModels);
        return perMetric["score"];
    }

    /// <summary>
    /// As <see cref="Run{TModel}"/>, for several metrics at once: <paramref name="trainAndScore"/> returns a score per
    /// metric name (the same names every fold), and the result holds one <see cref="CrossValidationResult"/> per name.
    /// </summary>
    public static IReadOnlyDictionary<string, CrossValidationResult> RunMany<TModel>(IReadOnlyList<Fold> folds,
        Func<int, TModel> modelFactory, Func<TModel, Fold, IReadOnlyDictionary<string, double>> trainAndScore,
        bool disposeModels = true) where TModel : class
    {
        Checks.NotEmpty(folds, nameof(folds));
        ArgumentNullException.ThrowIfNull(modelFactory);
        ArgumentNullException.ThrowIfNull(trainAndScore);
        var seenModels = new Dictionary<object, int>(ReferenceEqualityComparer.Instance);
        var seenParameters = new Dictionary<object, int>(ReferenceEqualityComparer.Instance);
        var scores = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        string[]? names = null;
        foreach (var fold in folds)
        {
            var model = modelFactory(fold.Index)
                ?? throw new InvalidOperationException($"The model factory returned null for fold {fold.Index}: return a new model.");
            RejectReuse(model, fold.Index, seenModels, seenParameters);
            try
            {
                var result = trainAndScore(model, fold)
                    ?? throw new InvalidOperationException($"trainAndScore returned null for fold {fold.Index}: return the fold's scores.");
                var foldNames = result.Keys.Order(StringComparer.Ordinal).ToArray();
                names ??= foldNames;
                if (!names.SequenceEqual(foldNames))
                    throw new InvalidOperationException(
                        $"Fold {fold.Index} returned scores for {string.Join(", ", foldNames)} but earlier folds for {string.Join(", ", names)}: return the same metrics every fold.");
                foreach (var (name, value) in result)
                {
                    if (!scores.TryGetValue(name, out var list)) scores[name] = list = [];
                    list.Add(value);
                }
            }
            finally
            {
                if (disposeModels && model is IDisposable disposable) disposable.Dispose();
            }
        }
        return scores.ToDictionary(kv => kv.Key, kv => new CrossValidationResult(kv.Value), StringComparer.Ordinal);
    }

    static void RejectReuse(object model, int fold, Dictionary<object, int> seenModels, Dictionary<object, int> seenParameters)
    {
        if (seenModels.TryGetValue(model, out int earlier))
            throw new InvalidOperationException(
                $"The model factory returned the same model for folds {earlier} and {fold}: its weights would carry over from one fold to the next. " +
                "Build a new model inside the factory (e.g. i => new MyNet()), not outside it.");
        seenModels[model] = fold;
        if (model is not torch.nn.Module module) return;
        foreach (var (name, parameter) in module.named_parameters())
        {
            if (seenParameters.TryGetValue(parameter, out int earlierFold))
                throw new InvalidOperationException(
                    $"The model for fold {fold} shares its parameter '{name}' with the model for fold {earlierFold}: a layer was created once and " +
                    "reused, so its trained weights would carry over. Create every layer inside the factory.");
            seenParameters[parameter] = fold;
        }
    }
}
