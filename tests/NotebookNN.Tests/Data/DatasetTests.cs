using System.Globalization;
using System.Text.RegularExpressions;
using NotebookNN.Data;
using NotebookNN.Tests.Training;
using static TorchSharp.torch;

namespace NotebookNN.Tests.Data;

public class DatasetTests
{
    static long[] Counts(Tensor labels, int classes) =>
        Enumerable.Range(0, classes).Select(c => labels.eq(c).sum().item<long>()).ToArray();

    [Fact]
    public void Catalog_readme_and_files_on_disk_agree()
    {
        string readme = File.ReadAllText(Path.Combine(DatasetStore.Root, "README.md"));
        var rows = Regex.Matches(readme, @"^\| `([^`]+)` \| (\d+) \| `([0-9a-f]{64})` \| (\S+)", RegexOptions.Multiline)
            .ToDictionary(m => m.Groups[1].Value, m => (Bytes: long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), Sha: m.Groups[3].Value, Url: m.Groups[4].Value));

        Assert.Equal(DatasetCatalog.All.Select(f => f.RelativePath).Order(), rows.Keys.Order());
        foreach (var file in DatasetCatalog.All)
        {
            var row = rows[file.RelativePath];
            Assert.Equal(file.Bytes, row.Bytes);
            Assert.Equal(file.Sha256, row.Sha);
            Assert.Equal(file.DownloadUrl ?? "none", row.Url);
            string path = DatasetStore.Resolve(file);
            Assert.Equal(file.Bytes, new FileInfo(path).Length);
        }
    }

    [Fact]
    public void A_changed_file_fails_verification_naming_file_hashes_and_fix()
    {
        string path = Path.Combine(Path.GetTempPath(), $"notebooknn-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, "5.1,3.5,1.4,0.2,Iris-setosa\n");
        try
        {
            var e = Assert.Throws<DatasetChecksumException>(() => DatasetStore.Verify(path, DatasetCatalog.Iris.Sha256));
            string actual = DatasetStore.Sha256Of(path);
            Assert.Equal(actual, e.Actual);
            Assert.Equal(DatasetCatalog.Iris.Sha256, e.Expected);
            Assert.Contains(path, e.Message);
            Assert.Contains(actual, e.Message);
            Assert.Contains(DatasetCatalog.Iris.Sha256, e.Message);
            Assert.Contains("git checkout -- datasets/", e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Mnist_test_split_has_the_documented_shape_range_and_label_counts()
    {
        var test = Mnist.Load(DataSplit.Test);
        Assert.Equal([10000L, 1, 28, 28], test.Features.shape);
        Assert.Equal(ScalarType.Float32, test.Features.dtype);
        Assert.Equal(0f, test.Features.min().item<float>());
        Assert.Equal(1f, test.Features.max().item<float>());
        Assert.Equal([980L, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009], Counts(test.Labels, 10));

        var raw = Mnist.Load(DataSplit.Test, count: 5, scale: false);
        Assert.Equal(255f, raw.Features.max().item<float>());
        Assert.True(raw.Features.div(255).allclose(test.Features.narrow(0, 0, 5)));
        Assert.Equal(new long[] { 7, 2, 1, 0, 4 }, raw.Labels.data<long>().ToArray());
    }

    [Fact]
    public void Mnist_train_labels_and_mean_pixel_match_the_readme()
    {
        var labels = Mnist.ReadLabels(DatasetStore.Resolve(DatasetCatalog.MnistTrainLabels));
        Assert.Equal([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949],
            Enumerable.Range(0, 10).Select(d => labels.Count(l => l == d)));
        var train = Mnist.LoadBytes(DataSplit.Train);
        Assert.Equal(60000, train.Count);
        Assert.Equal(33.318, train.Pixels.Average(b => (double)b), 3);
    }

    [Fact]
    public void Imdb_matches_the_keras_encoding()
    {
        var train = Imdb.Load(DataSplit.Train);
        Assert.Equal(25000, train.Sequences.Count);
        Assert.Equal(12500, train.Labels.Sum());
        Assert.Equal(218, train.Sequences[0].Length);
        Assert.Equal(189, train.Sequences[1].Length);
        Assert.Equal([1, 14, 22, 16, 43, 530, 973, 1622, 1385, 65], train.Sequences[0].Take(10));
        Assert.Equal(238.714, train.Sequences.Average(s => s.Length), 3);
        Assert.Equal(9999, train.Sequences.Max(s => s.Max()));
        Assert.All(train.Sequences, s => Assert.Equal(1, s[0]));
        Assert.DoesNotContain(train.Sequences, s => s.Contains(0) || s.Contains(3));

        var index = ImdbWordIndex.Load();
        Assert.Equal(88584, index.Ranks.Count);
        Assert.StartsWith("? this film was just brilliant casting location scenery story direction", index.Decode(train.Sequences[0]));
        Assert.Null(index.WordOf(2));

        var some = Imdb.Load(DataSplit.Test, count: 3);
        var multiHot = Imdb.MultiHot(some.Sequences);
        Assert.Equal([3L, 10000], multiHot.shape);
        for (int i = 0; i < 3; i++)
            Assert.Equal(some.Sequences[i].Distinct().Count(), (int)multiHot[i].sum().item<float>());
        Assert.Equal(1f, multiHot[0, some.Sequences[0][1]].item<float>());
        var e = Assert.Throws<ArgumentException>(() => Imdb.MultiHot(some.Sequences, 100));
        Assert.Contains("outside 0..99", e.Message);
    }

    [Fact]
    public void Tabular_sets_have_the_documented_shapes_and_classes()
    {
        var sonar = Tabular.Sonar();
        Assert.Equal([208L, 60], sonar.Features.shape);
        Assert.Equal([97L, 111], Counts(sonar.Labels, 2));
        Assert.Equal(["rock", "mine"], sonar.ClassNames);
        Assert.True(sonar.Features.min().item<float>() >= 0 && sonar.Features.max().item<float>() <= 1);

        var iris = Tabular.Iris();
        Assert.Equal([150L, 4], iris.Features.shape);
        Assert.Equal([50L, 50, 50], Counts(iris.Labels, 3));
        Assert.Equal(["Iris-setosa", "Iris-versicolor", "Iris-virginica"], iris.ClassNames);
        Assert.Equal(["sepal_length", "sepal_width", "petal_length", "petal_width"], iris.FeatureNames);
        Assert.Equal(new[] { 5.1f, 3.5f, 1.4f, 0.2f }, iris.Features[0].data<float>().ToArray());

        var houses = Tabular.KingCountyHouses();
        Assert.Equal([21613L, 18], houses.Features.shape);
        Assert.Equal("bedrooms", houses.FeatureNames[0]);
        Assert.Equal("sqft_lot15", houses.FeatureNames[^1]);
        Assert.Equal(75000f, houses.Labels.min().item<float>());
        Assert.Equal(7700000f, houses.Labels.max().item<float>());
        Assert.Equal(540088.14, houses.Labels.to_type(ScalarType.Float64).mean().item<double>(), 2);
    }

    [Fact]
    public void Multi_label_sets_have_the_documented_label_counts()
    {
        var yeast = MultiLabel.Yeast();
        Assert.Equal([2417L, 103], yeast.Features.shape);
        Assert.Equal([2417L, 14], yeast.Labels.shape);
        Assert.Equal([762f, 1038, 983, 862, 722, 597, 428, 480, 178, 253, 289, 1816, 1799, 34], yeast.Labels.sum([0L]).data<float>().ToArray());
        Assert.Equal("Class1", yeast.ClassNames[0]);

        var emotions = MultiLabel.Emotions();
        Assert.Equal([593L, 72], emotions.Features.shape);
        Assert.Equal([173f, 166, 264, 148, 168, 189], emotions.Labels.sum([0L]).data<float>().ToArray());
        Assert.Equal(["amazed-suprised", "happy-pleased", "relaxing-calm", "quiet-still", "sad-lonely", "angry-aggresive"], emotions.ClassNames);
    }

    [Fact]
    public void Stratified_split_keeps_class_proportions_and_repeats_with_a_seed()
    {
        var iris = Tabular.Iris();
        var (train, test) = iris.Split(0.2, stratify: true, seed: 11);
        Assert.Equal([10L, 10, 10], Counts(test.Labels, 3));
        Assert.Equal([40L, 40, 40], Counts(train.Labels, 3));

        var (trainIdx, testIdx) = Splits.StratifiedTrainTest(iris.Labels, 0.2, seed: 11);
        Assert.Equal(150, trainIdx.Concat(testIdx).Distinct().Count());
        var (trainIdx2, testIdx2) = Splits.StratifiedTrainTest(iris.Labels, 0.2, seed: 11);
        Assert.Equal(testIdx, testIdx2);
        Assert.Equal(trainIdx, trainIdx2);

        var (plainTrain, plainTest) = Splits.TrainTest(10, 0.3, seed: 1);
        Assert.Equal(3, plainTest.Length);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), plainTrain.Concat(plainTest).Order());

        var balanced = Splits.StratifiedSample(iris.Labels, perClass: 4, seed: 2);
        Assert.Equal([4L, 4, 4], Counts(iris.Subset(balanced).Labels, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => Splits.TrainTest(10, 1.0));
        Assert.Throws<ArgumentException>(() => Splits.StratifiedTrainTest(iris.Features.select(1, 0), 0.2));
    }
}

[Collection(TorchGlobalState.Name)]
public class DatasetDownloadTests
{
    [Fact]
    public void A_missing_file_with_downloads_off_names_the_url_and_never_downloads()
    {
        bool allowed = DatasetStore.AllowDownload;
        DatasetStore.AllowDownload = false;
        try
        {
            var file = new DatasetFile("missing/never-there.csv", 10, new string('0', 64), "https://example.org/never-there.csv");
            var e = Assert.Throws<FileNotFoundException>(() => DatasetStore.Resolve(file));
            Assert.Contains("https://example.org/never-there.csv", e.Message);
            Assert.Contains("downloads are off", e.Message);
            Assert.False(Directory.Exists(Path.Combine(DatasetStore.Root, "missing")));
        }
        finally
        {
            DatasetStore.AllowDownload = allowed;
        }
    }

    [Fact]
    public void A_missing_project_built_file_says_to_restore_it_from_git()
    {
        var file = new DatasetFile("missing/built-here.tsv.gz", 10, new string('0', 64), null);
        var e = Assert.Throws<FileNotFoundException>(() => DatasetStore.Resolve(file));
        Assert.Contains("no public download", e.Message);
        Assert.Contains("git checkout -- datasets/missing/built-here.tsv.gz", e.Message);
    }
}
