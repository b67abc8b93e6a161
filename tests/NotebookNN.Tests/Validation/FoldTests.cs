using NotebookNN.Tests.Reference;
using NotebookNN.Validation;
using static TorchSharp.torch;

namespace NotebookNN.Tests.Validation;

public class FoldTests
{
    static void DisjointAndCovering(IReadOnlyList<Fold> folds, long n)
    {
        var seen = new HashSet<long>();
        foreach (var f in folds)
        {
            foreach (var i in f.TestIndices) Assert.True(seen.Add(i), $"sample {i} is in two test folds");
            Assert.Equal(n, f.TrainIndices.Count + f.TestIndices.Count);
            Assert.Empty(f.TrainIndices.Intersect(f.TestIndices));
        }
        Assert.Equal(n, seen.Count);
    }

    [Fact]
    public void Unshuffled_kfold_equals_sklearn()
    {
        long n = (long)Ref.Number("validation.kfold.n");
        var folds = new KFold((int)Ref.Number("validation.kfold.k")).Split(n);
        for (int f = 0; f < folds.Count; f++)
            Assert.Equal(Ref.Longs($"validation.kfold.test.{f}"), folds[f].TestIndices);
        DisjointAndCovering(folds, n);
    }

    [Fact]
    public void Unshuffled_stratified_kfold_equals_sklearn()
    {
        using var labels = Ref.LongTensor("validation.stratified.labels");
        var folds = new StratifiedKFold((int)Ref.Number("validation.stratified.k")).Split(labels);
        for (int f = 0; f < folds.Count; f++)
            Assert.Equal(Ref.Longs($"validation.stratified.test.{f}"), folds[f].TestIndices);
        DisjointAndCovering(folds, labels.shape[0]);
    }

    [Fact]
    public void Shuffled_folds_repeat_with_the_seed_and_change_with_another()
    {
        var a = new KFold(4, shuffle: true, seed: 7).Split(50);
        var b = new KFold(4, shuffle: true, seed: 7).Split(50);
        var c = new KFold(4, shuffle: true, seed: 8).Split(50);
        DisjointAndCovering(a, 50);
        Assert.Equal(a.Select(f => f.TestIndices.ToArray()), b.Select(f => f.TestIndices.ToArray()));
        Assert.NotEqual(a.Select(f => f.TestIndices.ToArray()), c.Select(f => f.TestIndices.ToArray()));
        Assert.Equal([13, 13, 12, 12], a.Select(f => f.TestIndices.Count));
    }

    [Fact]
    public void Shuffled_stratified_folds_keep_the_class_counts()
    {
        using var labels = Ref.LongTensor("validation.stratified.labels");
        var y = labels.data<long>().ToArray();
        var plain = new StratifiedKFold(4).Split(labels);
        var shuffled = new StratifiedKFold(4, shuffle: true, seed: 3).Split(labels);
        DisjointAndCovering(shuffled, y.Length);
        for (int f = 0; f < 4; f++)
            foreach (var cls in y.Distinct())
                Assert.Equal(plain[f].TestIndices.Count(i => y[i] == cls), shuffled[f].TestIndices.Count(i => y[i] == cls));
        Assert.NotEqual(plain.Select(f => f.TestIndices.ToArray()), shuffled.Select(f => f.TestIndices.ToArray()));
    }

    [Fact]
    public void A_fold_selects_its_rows()
    {
        using var x = arange(10, ScalarType.Float64).reshape(5, 2);
        var fold = new KFold(5).Split(x)[1];
        using var test = fold.Test(x);
        using var train = fold.Train(x);
        Assert.Equal(new[] { 2.0, 3.0 }, test.data<double>().ToArray());
        Assert.Equal(4, train.shape[0]);
        using var shortData = zeros(1, 2);
        Assert.Contains("only 1 row", Assert.Throws<ArgumentException>(() => fold.Test(shortData)).Message);
    }

    [Fact]
    public void Fold_errors_name_the_mistake()
    {
        Assert.Contains("at least one", Assert.Throws<ArgumentException>(() => new KFold(5).Split(3)).Message);
        Assert.Contains("shuffle is false", Assert.Throws<ArgumentException>(() => new KFold(5, seed: 1)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new KFold(1));
        Assert.Contains("no class has 5", Assert.Throws<ArgumentException>(() => new StratifiedKFold(5).Split(new long[] { 0, 0, 1, 1, 2, 2 })).Message);
        using var onehot = zeros(6, 3);
        Assert.Contains("argmax", Assert.Throws<ArgumentException>(() => new StratifiedKFold(2).Split(onehot)).Message);
    }
}

/// <summary>Tests that reseed the process-wide <see cref="NN"/> state run alone, after the parallel tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GlobalSeedCollection
{
    public const string Name = "NN global seed (libmath)";
}

[Collection(GlobalSeedCollection.Name)]
public class GlobalSeedFoldTests
{
    [Fact]
    public void Without_a_seed_the_shuffle_follows_NN_Seed()
    {
        NN.Seed(123);
        var d = new KFold(4, shuffle: true).Split(50);
        var dStratified = new StratifiedKFold(2, shuffle: true).Split(Enumerable.Range(0, 20).Select(i => (long)(i % 2)).ToArray());
        NN.Seed(123);
        var e = new KFold(4, shuffle: true).Split(50);
        var eStratified = new StratifiedKFold(2, shuffle: true).Split(Enumerable.Range(0, 20).Select(i => (long)(i % 2)).ToArray());
        Assert.Equal(d.Select(f => f.TestIndices.ToArray()), e.Select(f => f.TestIndices.ToArray()));
        Assert.Equal(dStratified.Select(f => f.TestIndices.ToArray()), eStratified.Select(f => f.TestIndices.ToArray()));
    }
}
