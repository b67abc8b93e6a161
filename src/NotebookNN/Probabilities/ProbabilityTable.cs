using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace NotebookNN.Probabilities;

/// <summary>What a model's output rows mean.</summary>
public enum ProbabilityKind
{
    /// <summary>A softmax over the classes: mutually exclusive, each row sums to 1, the prediction is the argmax.</summary>
    Softmax,
    /// <summary>Independent sigmoids (multi-label): each class is its own yes/no, predicted when above the threshold.</summary>
    MultiLabel,
    /// <summary>A single sigmoid column: P(class 1); P(class 0) = 1 - P(class 1).</summary>
    BinarySigmoid,
}

/// <summary>The activation the caller says produced (or should turn logits into) the probabilities.</summary>
public enum OutputActivation
{
    /// <summary>Softmax across the columns of a row.</summary>
    Softmax,
    /// <summary>A sigmoid per column.</summary>
    Sigmoid,
}

/// <summary>
/// A model's outputs read as probabilities per class, with what they mean: a softmax (one class per row), independent
/// sigmoids (several labels per row) or one sigmoid column (binary). Built with <see cref="FromProbabilities(Tensor, IReadOnlyList{string}, OutputActivation?, IReadOnlyList{int}?, double, int)"/>
/// or <see cref="FromLogits(Tensor, IReadOnlyList{string}, OutputActivation?, IReadOnlyList{int}?, double, int)"/>.
/// Problems that make the numbers misleading are kept as <see cref="Warnings"/> (shown by the notebook formatter).
/// </summary>
public sealed class ProbabilityTable
{
    /// <summary>How far a softmax row's sum may be from 1 (float32 rounding over many classes).</summary>
    public const double SumTolerance = 1e-3;

    readonly double[,] _p;
    readonly List<string> _warnings = [];

    ProbabilityTable(double[,] p, IReadOnlyList<string> classNames, ProbabilityKind kind, IReadOnlyList<int>? trueLabels,
        IReadOnlyList<IReadOnlyList<int>>? trueLabelSets, double threshold, int topK)
    {
        _p = p;
        ClassNames = classNames;
        Kind = kind;
        TrueLabels = trueLabels;
        TrueLabelSets = trueLabelSets;
        Threshold = threshold;
        TopK = Math.Min(topK, classNames.Count);
    }

    /// <summary>How the rows are read.</summary>
    public ProbabilityKind Kind { get; }
    /// <summary>One name per column of <see cref="Probability"/> (for a binary table: class 0, then class 1).</summary>
    public IReadOnlyList<string> ClassNames { get; }
    /// <summary>Rows (samples).</summary>
    public int Rows => _p.GetLength(0);
    /// <summary>Classes (2 for a binary table).</summary>
    public int Classes => _p.GetLength(1);
    /// <summary>The true class per row, when given (softmax and binary tables).</summary>
    public IReadOnlyList<int>? TrueLabels { get; }
    /// <summary>The true labels per row, when given (multi-label tables).</summary>
    public IReadOnlyList<IReadOnlyList<int>>? TrueLabelSets { get; }
    /// <summary>The decision threshold for binary and multi-label tables.</summary>
    public double Threshold { get; }
    /// <summary>How many of the most probable classes a view lists per row.</summary>
    public int TopK { get; }
    /// <summary>Problems found in the outputs, in words a reader can act on.</summary>
    public IReadOnlyList<string> Warnings => _warnings;

    /// <summary>P(class) for a row.</summary>
    public double Probability(int row, int @class) => _p[row, @class];

    /// <summary>The predicted classes of a row: the argmax (softmax), class 1 when P(class 1) ≥ threshold (binary),
    /// or every label at or above the threshold (multi-label, possibly none).</summary>
    public IReadOnlyList<int> Predicted(int row)
    {
        CheckRow(row);
        return Kind switch
        {
            ProbabilityKind.Softmax => [ArgMax(row)],
            ProbabilityKind.BinarySigmoid => [_p[row, 1] >= Threshold ? 1 : 0],
            _ => Enumerable.Range(0, Classes).Where(c => _p[row, c] >= Threshold).ToArray(),
        };
    }

    /// <summary>The <see cref="TopK"/> most probable classes of a row, most probable first.</summary>
    public IReadOnlyList<(int Class, double Probability)> Top(int row)
    {
        CheckRow(row);
        return Enumerable.Range(0, Classes).Select(c => (c, _p[row, c]))
            .OrderByDescending(x => x.Item2).ThenBy(x => x.c).Take(TopK).ToArray();
    }

    /// <summary>Entropy in nats: of the class distribution (softmax, binary), or the sum of each label's
    /// yes/no entropy (multi-label). 0 = certain; ln(classes) = uniform softmax.</summary>
    public double Entropy(int row)
    {
        CheckRow(row);
        if (Kind == ProbabilityKind.MultiLabel)
            return Enumerable.Range(0, Classes).Sum(c => PLogP(_p[row, c]) + PLogP(1 - _p[row, c]));
        return Enumerable.Range(0, Classes).Sum(c => PLogP(_p[row, c]));
    }

    /// <summary>True when the row's prediction equals its true label(s); null when no labels were given.</summary>
    public bool? IsCorrect(int row)
    {
        CheckRow(row);
        if (TrueLabels is not null) return Predicted(row)[0] == TrueLabels[row];
        if (TrueLabelSets is not null) return Predicted(row).OrderBy(x => x).SequenceEqual(TrueLabelSets[row].OrderBy(x => x));
        return null;
    }

    /// <summary>A one-line description; the notebook extension renders the full table.</summary>
    public override string ToString() =>
        $"ProbabilityTable: {Rows} rows x {Classes} classes ({Kind})" + (Warnings.Count > 0 ? $", {Warnings.Count} warning(s)" : "");

    // ---------------- construction ----------------

    /// <summary>Integer class labels from a tensor of shape [N] (any integer dtype, any device), for <c>trueLabels</c>.</summary>
    public static int[] Labels(Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.dim() != 1 || torch.is_floating_point(labels) || torch.is_complex(labels))
            throw new ArgumentException($"Expected integer class labels of shape [N], got {labels.dtype} [{string.Join(", ", labels.shape)}]. Use argmax(1) for one-hot labels.", nameof(labels));
        using var scope = torch.NewDisposeScope();
        return labels.detach().to_type(ScalarType.Int64).cpu().contiguous().data<long>().Select(v => checked((int)v)).ToArray();
    }

    /// <summary>
    /// Outputs that already are probabilities, shape [N, C] (or [N] for one sigmoid column). With no
    /// <paramref name="activation"/> the kind is detected: one column = binary sigmoid; rows summing to 1 = softmax;
    /// otherwise independent sigmoids.
    /// </summary>
    /// <param name="outputs">Model outputs after the activation.</param>
    /// <param name="classNames">One name per column, or for one column either [class 1] or [class 0, class 1].</param>
    /// <param name="activation">What produced the values, when the caller knows; checked against the values.</param>
    /// <param name="trueLabels">The true class index per row (softmax, binary), optional.</param>
    /// <param name="threshold">Decision threshold for binary and multi-label rows (0..1).</param>
    /// <param name="topK">Classes listed per row in the top-k column.</param>
    public static ProbabilityTable FromProbabilities(Tensor outputs, IReadOnlyList<string> classNames, OutputActivation? activation = null,
        IReadOnlyList<int>? trueLabels = null, double threshold = 0.5, int topK = 3) =>
        Build(ToMatrix(outputs, nameof(outputs)), classNames, activation, fromLogits: false, trueLabels, null, threshold, topK);

    /// <summary>As <see cref="FromProbabilities(Tensor, IReadOnlyList{string}, OutputActivation?, IReadOnlyList{int}?, double, int)"/> for a [N][C] array.</summary>
    public static ProbabilityTable FromProbabilities(double[][] outputs, IReadOnlyList<string> classNames, OutputActivation? activation = null,
        IReadOnlyList<int>? trueLabels = null, double threshold = 0.5, int topK = 3) =>
        Build(ToMatrix(outputs, nameof(outputs)), classNames, activation, fromLogits: false, trueLabels, null, threshold, topK);

    /// <summary>
    /// Raw model outputs (logits), shape [N, C] or [N]. The activation is applied here: one column = sigmoid
    /// (binary); several columns = softmax unless <paramref name="activation"/> is <see cref="OutputActivation.Sigmoid"/>
    /// (multi-label).
    /// </summary>
    public static ProbabilityTable FromLogits(Tensor logits, IReadOnlyList<string> classNames, OutputActivation? activation = null,
        IReadOnlyList<int>? trueLabels = null, double threshold = 0.5, int topK = 3) =>
        Build(ToMatrix(logits, nameof(logits)), classNames, activation, fromLogits: true, trueLabels, null, threshold, topK);

    /// <summary>As <see cref="FromLogits(Tensor, IReadOnlyList{string}, OutputActivation?, IReadOnlyList{int}?, double, int)"/> for a [N][C] array.</summary>
    public static ProbabilityTable FromLogits(double[][] logits, IReadOnlyList<string> classNames, OutputActivation? activation = null,
        IReadOnlyList<int>? trueLabels = null, double threshold = 0.5, int topK = 3) =>
        Build(ToMatrix(logits, nameof(logits)), classNames, activation, fromLogits: true, trueLabels, null, threshold, topK);

    /// <summary>Multi-label outputs with the true label set of each row.</summary>
    public static ProbabilityTable MultiLabel(Tensor outputs, IReadOnlyList<string> classNames, bool fromLogits,
        IReadOnlyList<IReadOnlyList<int>>? trueLabelSets = null, double threshold = 0.5, int topK = 3) =>
        Build(ToMatrix(outputs, nameof(outputs)), classNames, OutputActivation.Sigmoid, fromLogits, null, trueLabelSets, threshold, topK);

    static ProbabilityTable Build(double[,] raw, IReadOnlyList<string> classNames, OutputActivation? activation, bool fromLogits,
        IReadOnlyList<int>? trueLabels, IReadOnlyList<IReadOnlyList<int>>? trueLabelSets, double threshold, int topK)
    {
        ArgumentNullException.ThrowIfNull(classNames);
        if (double.IsNaN(threshold) || threshold is < 0 or > 1)
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "The threshold is a probability: use a value between 0 and 1.");
        if (topK < 1) throw new ArgumentOutOfRangeException(nameof(topK), topK, "topK must be at least 1.");
        int n = raw.GetLength(0), c = raw.GetLength(1);
        var warnings = new List<string>();
        ProbabilityKind kind;
        double[,] p;
        if (c == 1 && activation == OutputActivation.Softmax)
        {
            warnings.Add("A softmax over a single output unit makes every output exactly 1, whatever the input: the model cannot express doubt. " +
                         "Use one unit with a sigmoid (binary), or two units with a softmax.");
            kind = ProbabilityKind.Softmax;
            p = fromLogits ? Fill(n, 1, 1.0) : raw;
        }
        else if (c == 1)
        {
            kind = ProbabilityKind.BinarySigmoid;
            var positive = fromLogits ? Map(raw, Sigmoid) : raw;
            if (!fromLogits) CheckRange(positive, warnings);
            if (!fromLogits && n > 0 && AllEqual(positive, 1.0))
                warnings.Add("Every output is exactly 1. That is what a softmax over a single unit produces: use a sigmoid for one output unit, or two units with a softmax.");
            p = new double[n, 2];
            for (int i = 0; i < n; i++) { p[i, 1] = positive[i, 0]; p[i, 0] = 1 - positive[i, 0]; }
        }
        else if (fromLogits)
        {
            kind = activation == OutputActivation.Sigmoid ? ProbabilityKind.MultiLabel : ProbabilityKind.Softmax;
            p = kind == ProbabilityKind.Softmax ? SoftmaxRows(raw) : Map(raw, Sigmoid);
        }
        else
        {
            p = raw;
            CheckRange(p, warnings);
            int offRows = RowsNotSummingToOne(p);
            if (activation == OutputActivation.Sigmoid) kind = ProbabilityKind.MultiLabel;
            else if (activation == OutputActivation.Softmax || offRows * 2 < n || n == 0) kind = ProbabilityKind.Softmax;
            else kind = ProbabilityKind.MultiLabel;
            if (kind == ProbabilityKind.Softmax && offRows > 0)
                warnings.Add($"{offRows} of {n} rows do not sum to 1 (tolerance {SumTolerance.ToString(CultureInfo.InvariantCulture)}), so they are not softmax outputs: " +
                             "were these logits, or sigmoid outputs? Use FromLogits for raw outputs, or OutputActivation.Sigmoid for independent labels.");
        }
        var names = ResolveNames(classNames, c, kind);
        int classes = p.GetLength(1);
        if (trueLabels is not null)
        {
            if (kind == ProbabilityKind.MultiLabel)
                throw new ArgumentException("A multi-label table takes a set of true labels per row: use ProbabilityTable.MultiLabel(..., trueLabelSets).", nameof(trueLabels));
            CheckLabels(trueLabels, n, classes, names, nameof(trueLabels));
        }
        if (trueLabelSets is not null)
        {
            if (trueLabelSets.Count != n)
                throw new ArgumentException($"Got {trueLabelSets.Count} label sets for {n} rows: give one set per row.", nameof(trueLabelSets));
            foreach (var set in trueLabelSets) CheckLabels(set, set.Count, classes, names, nameof(trueLabelSets));
        }
        var table = new ProbabilityTable(p, names, kind, trueLabels, trueLabelSets, threshold, topK);
        table._warnings.AddRange(warnings);
        return table;
    }

    static IReadOnlyList<string> ResolveNames(IReadOnlyList<string> classNames, int columns, ProbabilityKind kind)
    {
        if (kind == ProbabilityKind.BinarySigmoid)
        {
            return classNames.Count switch
            {
                2 => classNames.ToArray(),
                1 => ["not " + classNames[0], classNames[0]],
                _ => throw new ArgumentException($"One sigmoid column needs 1 class name (class 1) or 2 (class 0, class 1), got {classNames.Count}.", nameof(classNames)),
            };
        }
        if (classNames.Count != columns)
            throw new ArgumentException($"The outputs have {columns} columns but {classNames.Count} class names were given: give one name per column.", nameof(classNames));
        return classNames.ToArray();
    }

    static void CheckLabels(IReadOnlyList<int> labels, int expected, int classes, IReadOnlyList<string> names, string parameter)
    {
        if (labels.Count != expected)
            throw new ArgumentException($"Got {labels.Count} true labels for {expected} rows: give one label per row.", parameter);
        foreach (int label in labels)
            if (label < 0 || label >= classes)
                throw new ArgumentOutOfRangeException(parameter, label, $"Label {label} is outside the classes 0..{classes - 1} ({string.Join(", ", names)}).");
    }

    static void CheckRange(double[,] p, List<string> warnings)
    {
        int outside = 0, nonFinite = 0;
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (double v in p)
        {
            if (!double.IsFinite(v)) { nonFinite++; continue; }
            if (v < 0 || v > 1) outside++;
            min = Math.Min(min, v); max = Math.Max(max, v);
        }
        if (outside > 0)
            warnings.Add($"{outside} values lie outside [0, 1] (from {min.ToString("G4", CultureInfo.InvariantCulture)} to {max.ToString("G4", CultureInfo.InvariantCulture)}), " +
                         "so they are not probabilities: these look like logits. Build the table with ProbabilityTable.FromLogits.");
        if (nonFinite > 0)
            warnings.Add($"{nonFinite} values are NaN or infinite: the model or its inputs diverged.");
    }

    static int RowsNotSummingToOne(double[,] p)
    {
        int off = 0;
        for (int i = 0; i < p.GetLength(0); i++)
        {
            double sum = 0;
            for (int j = 0; j < p.GetLength(1); j++) sum += p[i, j];
            if (!(Math.Abs(sum - 1) <= SumTolerance)) off++;
        }
        return off;
    }

    static double[,] SoftmaxRows(double[,] logits)
    {
        int n = logits.GetLength(0), c = logits.GetLength(1);
        var p = new double[n, c];
        for (int i = 0; i < n; i++)
        {
            double max = double.NegativeInfinity;
            for (int j = 0; j < c; j++) max = Math.Max(max, logits[i, j]);
            double sum = 0;
            for (int j = 0; j < c; j++) sum += p[i, j] = Math.Exp(logits[i, j] - max);
            for (int j = 0; j < c; j++) p[i, j] /= sum;
        }
        return p;
    }

    static double Sigmoid(double x) => x >= 0 ? 1 / (1 + Math.Exp(-x)) : Math.Exp(x) / (1 + Math.Exp(x));

    static double PLogP(double p) => p > 0 && p <= 1 ? -p * Math.Log(p) : 0;

    static double[,] Map(double[,] x, Func<double, double> f)
    {
        var y = new double[x.GetLength(0), x.GetLength(1)];
        for (int i = 0; i < x.GetLength(0); i++)
            for (int j = 0; j < x.GetLength(1); j++) y[i, j] = f(x[i, j]);
        return y;
    }

    static double[,] Fill(int n, int c, double value)
    {
        var y = new double[n, c];
        for (int i = 0; i < n; i++) for (int j = 0; j < c; j++) y[i, j] = value;
        return y;
    }

    static bool AllEqual(double[,] x, double value)
    {
        foreach (double v in x) if (v != value) return false;
        return true;
    }

    int ArgMax(int row)
    {
        int best = 0;
        for (int c = 1; c < Classes; c++) if (_p[row, c] > _p[row, best]) best = c;
        return best;
    }

    void CheckRow(int row)
    {
        if (row < 0 || row >= Rows) throw new ArgumentOutOfRangeException(nameof(row), row, $"The table has rows 0..{Rows - 1}.");
    }

    static double[,] ToMatrix(Tensor t, string parameter)
    {
        ArgumentNullException.ThrowIfNull(t, parameter);
        if (t.dim() is not (1 or 2))
            throw new ArgumentException($"Expected outputs of shape [N, C] or [N], got [{string.Join(", ", t.shape)}]. Flatten or select the output first.", parameter);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        Tensor m = t.detach().to_type(ScalarType.Float64).cpu();
        if (m.dim() == 1) m = m.unsqueeze(1);
        int n = (int)m.shape[0], c = (int)m.shape[1];
        if (c == 0) throw new ArgumentException("The outputs have no columns.", parameter);
        double[] flat = m.contiguous().data<double>().ToArray();
        var result = new double[n, c];
        Buffer.BlockCopy(flat, 0, result, 0, flat.Length * sizeof(double));
        return result;
    }

    static double[,] ToMatrix(double[][] rows, string parameter)
    {
        ArgumentNullException.ThrowIfNull(rows, parameter);
        int c = rows.Length == 0 ? 1 : rows[0]?.Length ?? 0;
        if (c == 0) throw new ArgumentException("The outputs have no columns.", parameter);
        var result = new double[rows.Length, c];
        for (int i = 0; i < rows.Length; i++)
        {
            if (rows[i] is null || rows[i].Length != c)
                throw new ArgumentException($"Row {i} has {rows[i]?.Length ?? 0} values but row 0 has {c}: every row needs one value per class.", parameter);
            for (int j = 0; j < c; j++) result[i, j] = rows[i][j];
        }
        return result;
    }
}
