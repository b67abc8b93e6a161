using System.Globalization;
using static TorchSharp.torch;

namespace NotebookNN.Data;

/// <summary>The small tabular datasets: Sonar, Iris, King County house sales, and the Mulan multi-label sets.</summary>
public static class Tabular
{
    /// <summary>
    /// Sonar, mines vs. rocks: 208 × 60 band energies in [0, 1]; label 1 = mine (<c>M</c>, 111 rows), 0 = rock
    /// (<c>R</c>, 97 rows). Class names: ["rock", "mine"].
    /// </summary>
    public static LabeledData Sonar()
    {
        var (_, rows) = Csv.Read(DatasetStore.Resolve(DatasetCatalog.Sonar), header: false);
        var features = new float[rows.Count * 60];
        var labels = new long[rows.Count];
        for (int i = 0; i < rows.Count; i++)
        {
            var row = Csv.Expect(rows[i], 61, "sonar.csv", i + 1);
            for (int j = 0; j < 60; j++) features[i * 60 + j] = Csv.Float(row[j], "sonar.csv", i + 1);
            labels[i] = row[60] switch
            {
                "M" => 1,
                "R" => 0,
                _ => throw new InvalidDataException($"sonar.csv row {i + 1}: class '{row[60]}' is neither M nor R."),
            };
        }
        var names = Enumerable.Range(1, 60).Select(k => "band_" + k.ToString(CultureInfo.InvariantCulture)).ToArray();
        return new LabeledData(tensor(features, [rows.Count, 60]), tensor(labels), names, ["rock", "mine"]);
    }

    /// <summary>
    /// Fisher's Iris: 150 × 4 measurements in cm; labels 0 = Iris-setosa, 1 = Iris-versicolor, 2 = Iris-virginica
    /// (50 each).
    /// </summary>
    public static LabeledData Iris()
    {
        var (header, rows) = Csv.Read(DatasetStore.Resolve(DatasetCatalog.Iris), header: true);
        string[] classes = ["Iris-setosa", "Iris-versicolor", "Iris-virginica"];
        var features = new float[rows.Count * 4];
        var labels = new long[rows.Count];
        for (int i = 0; i < rows.Count; i++)
        {
            var row = Csv.Expect(rows[i], 5, "iris.csv", i + 2);
            for (int j = 0; j < 4; j++) features[i * 4 + j] = Csv.Float(row[j], "iris.csv", i + 2);
            int c = Array.IndexOf(classes, row[4]);
            if (c < 0) throw new InvalidDataException($"iris.csv line {i + 2}: unknown species '{row[4]}'.");
            labels[i] = c;
        }
        return new LabeledData(tensor(features, [rows.Count, 4]), tensor(labels), header[..4], classes);
    }

    /// <summary>
    /// King County house sales: 21,613 houses; features are the 18 numeric columns after <c>price</c> (bedrooms ...
    /// sqft_lot15, zipcode as a number); the label is the price in dollars (float32 <c>[N]</c>, exact: every price is a
    /// whole number below 2^24).
    /// </summary>
    public static LabeledData KingCountyHouses()
    {
        var (header, rows) = Csv.Read(DatasetStore.Resolve(DatasetCatalog.KingCountyHouses), header: true);
        int priceColumn = Array.IndexOf(header, "price");
        if (priceColumn != 2 || header.Length != 21)
            throw new InvalidDataException("kc_house_data.csv does not have the expected 21 columns with price third.");
        var featureNames = header[3..];
        int f = featureNames.Length;
        var features = new float[rows.Count * f];
        var prices = new float[rows.Count];
        for (int i = 0; i < rows.Count; i++)
        {
            var row = Csv.Expect(rows[i], 21, "kc_house_data.csv", i + 2);
            prices[i] = Csv.Float(row[2], "kc_house_data.csv", i + 2);
            for (int j = 0; j < f; j++) features[i * f + j] = Csv.Float(row[3 + j], "kc_house_data.csv", i + 2);
        }
        return new LabeledData(tensor(features, [rows.Count, f]), tensor(prices), featureNames, []);
    }
}

/// <summary>The Mulan multi-label benchmarks: features and a 0/1 label matrix with the label names.</summary>
public static class MultiLabel
{
    /// <summary>yeast: 2,417 genes × 103 features, 14 functional classes (<c>Class1</c>..<c>Class14</c>).</summary>
    public static LabeledData Yeast() => Load(DatasetCatalog.Yeast, "yeast.csv", labelCount: 14);

    /// <summary>emotions: 593 music clips × 72 audio features, 6 emotion labels (Mulan's spellings).</summary>
    public static LabeledData Emotions() => Load(DatasetCatalog.Emotions, "emotions.csv", labelCount: 6);

    static LabeledData Load(DatasetFile file, string name, int labelCount)
    {
        var (header, rows) = Csv.Read(DatasetStore.Resolve(file), header: true);
        int width = header.Length, featureCount = width - labelCount;
        var features = new float[rows.Count * featureCount];
        var labels = new float[rows.Count * labelCount];
        for (int i = 0; i < rows.Count; i++)
        {
            var row = Csv.Expect(rows[i], width, name, i + 2);
            for (int j = 0; j < featureCount; j++) features[i * featureCount + j] = Csv.Float(row[j], name, i + 2);
            for (int j = 0; j < labelCount; j++)
            {
                float v = Csv.Float(row[featureCount + j], name, i + 2);
                if (v is not (0f or 1f)) throw new InvalidDataException($"{name} line {i + 2}: label '{row[featureCount + j]}' is not 0 or 1.");
                labels[i * labelCount + j] = v;
            }
        }
        return new LabeledData(tensor(features, [rows.Count, featureCount]), tensor(labels, [rows.Count, labelCount]),
            header[..featureCount], header[featureCount..]);
    }
}

/// <summary>The CSV reading the shipped files need: comma-separated, optional header, fields possibly double-quoted
/// (never containing commas), invariant-culture numbers.</summary>
internal static class Csv
{
    public static (string[] Header, List<string[]> Rows) Read(string path, bool header)
    {
        var rows = new List<string[]>();
        string[] head = [];
        foreach (var line in File.ReadLines(path))
        {
            if (line.Length == 0) continue;
            var fields = line.Split(',');
            for (int k = 0; k < fields.Length; k++)
                if (fields[k].Length >= 2 && fields[k][0] == '"' && fields[k][^1] == '"') fields[k] = fields[k][1..^1];
            if (header && head.Length == 0) head = fields;
            else rows.Add(fields);
        }
        return (head, rows);
    }

    public static string[] Expect(string[] row, int width, string file, int line) =>
        row.Length == width ? row : throw new InvalidDataException($"{file} line {line} has {row.Length} fields, expected {width}.");

    public static float Float(string text, string file, int line) =>
        float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float v)
            ? v
            : throw new InvalidDataException($"{file} line {line}: '{text}' is not a number.");
}
