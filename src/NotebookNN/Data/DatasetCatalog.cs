namespace NotebookNN.Data;

/// <summary>
/// Every shipped data file with its size and SHA-256, the same table as <c>datasets/README.md</c> (a test keeps the
/// two and the files in agreement).
/// </summary>
public static class DatasetCatalog
{
    const string Mnist = "https://storage.googleapis.com/cvdf-datasets/mnist/";
    const string Brownlee = "https://raw.githubusercontent.com/jbrownlee/Datasets/d20fcb6402ae34e653d4513b00f39257bb37ed7f/";

    /// <summary>MNIST training images (IDX, gzip).</summary>
    public static readonly DatasetFile MnistTrainImages = new("mnist/train-images-idx3-ubyte.gz", 9912422,
        "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609", Mnist + "train-images-idx3-ubyte.gz");
    /// <summary>MNIST training labels (IDX, gzip).</summary>
    public static readonly DatasetFile MnistTrainLabels = new("mnist/train-labels-idx1-ubyte.gz", 28881,
        "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c", Mnist + "train-labels-idx1-ubyte.gz");
    /// <summary>MNIST test images (IDX, gzip).</summary>
    public static readonly DatasetFile MnistTestImages = new("mnist/t10k-images-idx3-ubyte.gz", 1648877,
        "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6", Mnist + "t10k-images-idx3-ubyte.gz");
    /// <summary>MNIST test labels (IDX, gzip).</summary>
    public static readonly DatasetFile MnistTestLabels = new("mnist/t10k-labels-idx1-ubyte.gz", 4542,
        "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6", Mnist + "t10k-labels-idx1-ubyte.gz");
    /// <summary>IMDB training reviews in Keras' encoding (TSV, gzip).</summary>
    public static readonly DatasetFile ImdbTrain = new("imdb/train.tsv.gz", 8015683,
        "deb0cd15c9168d712eaf41b58b97a742971ca8d12add35a3056edc214de3b3a6", null);
    /// <summary>IMDB test reviews in Keras' encoding (TSV, gzip).</summary>
    public static readonly DatasetFile ImdbTest = new("imdb/test.tsv.gz", 7745861,
        "3163852b53ec984bb224aaba7791d487a9f29f2473aca3c1590e54d034f91428", null);
    /// <summary>Keras' IMDB word index (JSON, gzip).</summary>
    public static readonly DatasetFile ImdbWordIndex = new("imdb/imdb_word_index.json.gz", 671629,
        "a3e7564051946a6b34e13c0d0bc25e2e18119d4e4f6adb973c91d080f3d1dba8", null);
    /// <summary>Sonar, mines vs. rocks (CSV, no header).</summary>
    public static readonly DatasetFile Sonar = new("sonar/sonar.csv", 87775,
        "3079c09b5d2789a0f96aff82c28e5164fafe2495c5f8da96c6c256c1bd25763f", Brownlee + "sonar.csv");
    /// <summary>Sonar's UCI description.</summary>
    public static readonly DatasetFile SonarNames = new("sonar/sonar.names", 5872,
        "f3d650ae9772b1a5021d977fe9f8194259f3dddec1922128c8104cf1c4e7250f", Brownlee + "sonar.names");
    /// <summary>Iris (CSV with header).</summary>
    public static readonly DatasetFile Iris = new("iris/iris.csv", 4608,
        "20f7ef9ad6e85c0752a0cda4c9d1edfcad39c04114a822496a15c20eb1df2cda", Brownlee + "iris.csv");
    /// <summary>Iris's UCI description.</summary>
    public static readonly DatasetFile IrisNames = new("iris/iris.names", 2998,
        "71a09fb3ee237614cdb9c09d06e8ae1f610ce2a274c0d77272fea8a233e5eea3", Brownlee + "iris.names");
    /// <summary>King County house sales (CSV with header).</summary>
    public static readonly DatasetFile KingCountyHouses = new("house-prices/kc_house_data.csv", 2515206,
        "d0875baa0251b21d4bdc9d2ae940a4fe0bb6009824f23dd0e2a5b2bf04557b7e",
        "https://raw.githubusercontent.com/theandyb/BDSI24_LinReg/f98311598b3704e2af1c67b681997410a706497d/data/kc_house_data.csv");
    /// <summary>Mulan yeast (CSV with header).</summary>
    public static readonly DatasetFile Yeast = new("multilabel/yeast.csv", 2414460,
        "fd17cb9b53acaaf5e82a9e0795e2667167775915c0e32c1f6fe0fadb0d3bd703", null);
    /// <summary>Mulan emotions (CSV with header).</summary>
    public static readonly DatasetFile Emotions = new("multilabel/emotions.csv", 378980,
        "fe480fc0fc2958b534e60f4ab9ea4d26fc9cb216beaddb786822c4119a89ce73", null);

    /// <summary>Every file, in the README's order.</summary>
    public static IReadOnlyList<DatasetFile> All { get; } =
    [
        MnistTrainImages, MnistTrainLabels, MnistTestImages, MnistTestLabels, ImdbTrain, ImdbTest, ImdbWordIndex,
        Sonar, SonarNames, Iris, IrisNames, KingCountyHouses, Yeast, Emotions,
    ];
}
