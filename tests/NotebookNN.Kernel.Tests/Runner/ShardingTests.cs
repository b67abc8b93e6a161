using System.Globalization;
using NotebookNN.Kernel.Cli;
using NotebookNN.Kernel.Runner;
using NotebookNN.Kernel.Tests.Notebooks;

namespace NotebookNN.Kernel.Tests.Runner;

/// <summary>`nnb run --shard I/N`: the shards of the curriculum partition it, deterministically, balanced by durations.</summary>
public class ShardingTests
{
    private static readonly string Curriculum = Path.Combine(TestFiles.RepoRoot, "notebooks");

    private static IReadOnlyList<NotebookJob> Shard(string shard, params string[] durations) =>
        RunCommand.Validate(new RunArguments([Curriculum], Shard: shard, DurationReports: durations)).Jobs;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(7)]
    [InlineData(40)]
    public void The_shards_of_the_curriculum_are_disjoint_and_cover_every_notebook_once(int count)
    {
        var all = RunCommand.Validate(new RunArguments([Curriculum])).Jobs.Select(j => j.DisplayName).ToList();
        Assert.Equal(28, all.Count);

        var shards = Enumerable.Range(1, count).Select(i => Shard($"{i}/{count}").Select(j => j.DisplayName).ToList()).ToList();

        Assert.Equal(all.Order(StringComparer.Ordinal), shards.SelectMany(s => s).Order(StringComparer.Ordinal));
        // Each shard keeps the run's order, and sizes differ by at most one when no durations are known.
        Assert.All(shards, s => Assert.Equal(s.Order(StringComparer.Ordinal), s));
        Assert.InRange(shards.Max(s => s.Count) - shards.Min(s => s.Count), 0, 1);
        // Computed again (as each machine of a CI matrix does), the split is the same.
        Assert.Equal(shards, Enumerable.Range(1, count).Select(i => Shard($"{i}/{count}").Select(j => j.DisplayName).ToList()));
    }

    [Fact]
    public void Durations_from_a_junit_report_balance_the_shards_by_time()
    {
        // A previous run where four notebooks took most of the time.
        var all = RunCommand.Validate(new RunArguments([Curriculum])).Jobs;
        var seconds = all.ToDictionary(j => j.DisplayName, j => j.DisplayName.StartsWith("Q0", StringComparison.Ordinal) ? 10.0 : 2.0);
        foreach (var slow in new[] { "Q03", "Q09", "Q16", "Q28" })
            seconds[all.Single(j => j.DisplayName.StartsWith(slow, StringComparison.Ordinal)).DisplayName] = 300;
        var report = Path.Combine(TestFiles.NewScratchFolder(), "junit.xml");
        var results = all.Select(j => new NotebookJobResult(j, NotebookRunStatus.Passed, 1, 1, TimeSpan.FromSeconds(seconds[j.DisplayName]), null, null, null)).ToList();
        JUnitReport.Write(report, results, DateTimeOffset.UtcNow);

        var shards = Enumerable.Range(1, 4).Select(i => Shard($"{i}/4", report)).ToList();

        // Each slow notebook lands on its own shard, and the loads are within one fast notebook of each other.
        Assert.All(shards, s => Assert.Single(s, j => seconds[j.DisplayName] == 300));
        var loads = shards.Select(s => s.Sum(j => seconds[j.DisplayName])).ToList();
        Assert.InRange(loads.Max() - loads.Min(), 0, 10);
        Assert.Equal(all.Count, shards.Sum(s => s.Count));
        // Without the report, shards take notebooks in turn by name, and two of the slow four share a shard.
        var blind = Enumerable.Range(1, 4).Select(i => Shard($"{i}/4")).ToList();
        Assert.Contains(blind, s => s.Count(j => seconds[j.DisplayName] == 300) != 1);
    }

    [Theory]
    [InlineData("0/4", "between 1 and the number of shards")]
    [InlineData("5/4", "between 1 and the number of shards")]
    [InlineData("2", "--shard takes I/N")]
    [InlineData("a/b", "--shard takes I/N")]
    public void A_bad_shard_is_a_usage_error_that_says_what_to_pass(string shard, string expected)
    {
        var error = Assert.Throws<UsageException>(() => Shard(shard));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void A_durations_file_that_is_not_a_junit_report_is_a_usage_error()
    {
        var folder = TestFiles.NewScratchFolder();
        var notXml = Path.Combine(folder, "times.txt");
        File.WriteAllText(notXml, "Q01 12.5\n");

        Assert.Contains("cannot read it as a JUnit report", Assert.Throws<UsageException>(() => Shard("1/2", notXml)).Message);
        Assert.Contains("cannot read it as a JUnit report", Assert.Throws<UsageException>(() => Shard("1/2", Path.Combine(folder, "missing.xml"))).Message);
        Assert.Contains("use it with --shard", Assert.Throws<UsageException>(
            () => RunCommand.Validate(new RunArguments([Curriculum], DurationReports: [notXml]))).Message);
    }

    [Fact]
    public void Durations_match_a_report_written_from_another_folder_by_file_name()
    {
        var report = Path.Combine(TestFiles.NewScratchFolder(), "junit.xml");
        File.WriteAllText(report, string.Create(CultureInfo.InvariantCulture,
            $"""<testsuites><testsuite><testcase name="elsewhere/Q05-log-zero-in-cost.ipynb" time="99.5"/></testsuite></testsuites>"""));

        var durations = Sharding.ReadDurations([report]);

        Assert.Equal(99.5, durations["Q05-log-zero-in-cost.ipynb"]);
        Assert.Equal(99.5, durations["elsewhere/Q05-log-zero-in-cost.ipynb"]);
    }
}
