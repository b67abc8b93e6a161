using static TorchSharp.torch;

namespace NotebookNN.Data;

/// <summary>
/// Seeded index splits: train/test, stratified train/test and stratified per-class samples. Seeds default to a draw
/// from <see cref="NN.Random"/>, so results repeat after <see cref="NN.Seed"/>.
/// </summary>
public static class Splits
{
    /// <summary>A random permutation of 0..n-1 from a seeded .NET generator (Fisher-Yates).</summary>
    public static long[] Permutation(long n, int? seed = null)
    {
        if (n < 0) throw new ArgumentOutOfRangeException(nameof(n), n, "The count must be at least 0.");
        var random = new Random(seed ?? NN.Random.Next());
        var order = new long[n];
        for (long i = 0; i < n; i++) order[i] = i;
        for (long i = n - 1; i > 0; i--)
        {
            long j = random.NextInt64(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }

    /// <summary>
    /// Shuffles 0..n-1 and puts round(n · testFraction) indices in the test part (at least one in each part).
    /// </summary>
    public static (long[] Train, long[] Test) TrainTest(long n, double testFraction, int? seed = null)
    {
        long testCount = TestCount(n, testFraction);
        var order = Permutation(n, seed);
        return (order[(int)testCount..], order[..(int)testCount]);
    }

    /// <summary>
    /// Splits each class's samples in the proportion <paramref name="testFraction"/> (rounded per class, at least one
    /// training sample per class), then shuffles both parts. <paramref name="labels"/>: int64 class indices <c>[N]</c>.
    /// </summary>
    public static (long[] Train, long[] Test) StratifiedTrainTest(Tensor labels, double testFraction, int? seed = null)
    {
        var byClass = IndicesByClass(labels);
        TestCount(labels.shape[0], testFraction);
        var random = new Random(seed ?? NN.Random.Next());
        var train = new List<long>();
        var test = new List<long>();
        foreach (var members in byClass.Values)
        {
            var shuffled = Shuffle(members, random);
            int k = (int)Math.Min(Math.Round(shuffled.Length * testFraction, MidpointRounding.AwayFromZero), shuffled.Length - 1);
            test.AddRange(shuffled[..k]);
            train.AddRange(shuffled[k..]);
        }
        if (test.Count == 0)
            throw new ArgumentException(
                $"testFraction {Checks.Num(testFraction)} puts no sample of any class in the test part: use a larger fraction.",
                nameof(testFraction));
        return (Shuffle(train.ToArray(), random), Shuffle(test.ToArray(), random));
    }

    /// <summary>
    /// Up to <paramref name="perClass"/> random samples of every class (all of a class that has fewer), shuffled
    /// together: a balanced subset for quick runs. <paramref name="labels"/>: int64 class indices <c>[N]</c>.
    /// </summary>
    public static long[] StratifiedSample(Tensor labels, int perClass, int? seed = null)
    {
        Checks.AtLeast(perClass, 1, nameof(perClass));
        var byClass = IndicesByClass(labels);
        var random = new Random(seed ?? NN.Random.Next());
        var chosen = new List<long>();
        foreach (var members in byClass.Values)
            chosen.AddRange(Shuffle(members, random).Take(perClass));
        return Shuffle(chosen.ToArray(), random);
    }

    static SortedDictionary<long, long[]> IndicesByClass(Tensor labels)
    {
        Checks.NotEmpty(Checks.NotNull(labels, nameof(labels)), nameof(labels));
        Checks.Rank(labels, 1, nameof(labels), "[N] class indices");
        Checks.IntegerLabels(labels, nameof(labels));
        var values = labels.cpu().to_type(ScalarType.Int64).data<long>().ToArray();
        return new SortedDictionary<long, long[]>(values.Select((label, i) => (label, i: (long)i))
            .GroupBy(p => p.label).ToDictionary(g => g.Key, g => g.Select(p => p.i).ToArray()));
    }

    static long TestCount(long n, double testFraction)
    {
        if (!(testFraction > 0 && testFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, "testFraction must be strictly between 0 and 1.");
        long k = (long)Math.Round(n * testFraction, MidpointRounding.AwayFromZero);
        if (k < 1 || k > n - 1)
            throw new ArgumentException(
                $"testFraction {Checks.Num(testFraction)} of {n} samples gives {k} test sample(s); both parts need at least one.",
                nameof(testFraction));
        return k;
    }

    static long[] Shuffle(long[] items, Random random)
    {
        var copy = (long[])items.Clone();
        Validation.Shuffling.InPlace(copy, random);
        return copy;
    }
}
