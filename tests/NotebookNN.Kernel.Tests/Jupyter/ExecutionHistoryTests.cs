using NotebookNN.Kernel.Jupyter;

namespace NotebookNN.Kernel.Tests.Jupyter;

public class ExecutionHistoryTests
{
    private static ExecutionHistory Filled()
    {
        var history = new ExecutionHistory();
        string[] cells = ["var x = 1;", "x + 1", "Console.WriteLine(x);", "x + 1", "var y = 2;"];
        for (int i = 0; i < cells.Length; i++)
            history.Add(i + 1, cells[i]);
        history.SetOutput(2, "2");
        return history;
    }

    [Fact]
    public void Tail_returns_the_last_n_oldest_first()
    {
        var tail = Filled().Tail(2);
        Assert.Equal([4, 5], tail.Select(e => e.Line));
        Assert.Equal("var y = 2;", tail[1].Input);
        Assert.Equal(5, Filled().Tail(50).Count);
    }

    [Fact]
    public void Range_is_start_inclusive_stop_exclusive_and_stop_zero_means_to_the_end()
    {
        var history = Filled();
        Assert.Equal([2, 3], history.Range(0, 2, 4).Select(e => e.Line));
        Assert.Equal([4, 5], history.Range(ExecutionHistory.CurrentSession, 4, 0).Select(e => e.Line));
        Assert.Empty(history.Range(7, 1, 3));
    }

    [Fact]
    public void Search_matches_whole_inputs_by_glob_and_honours_unique_and_n()
    {
        var history = Filled();
        Assert.Equal([2, 4], history.Search("x + ?", null, false).Select(e => e.Line));
        Assert.Equal([4], history.Search("x + ?", null, true).Select(e => e.Line));
        Assert.Equal([1, 5], history.Search("var [xy]*", null, false).Select(e => e.Line));
        Assert.Equal([5], history.Search("var [!x]*", null, false).Select(e => e.Line));
        Assert.Equal([4, 5], history.Search("*", 2, false).Select(e => e.Line));
        Assert.Empty(history.Search("x", null, false));
    }

    [Fact]
    public void Output_is_recorded_for_the_line_that_produced_it()
    {
        var history = Filled();
        Assert.Equal("2", history.Range(0, 2, 3).Single().Output);
        Assert.Null(history.Range(0, 1, 2).Single().Output);
    }

    [Fact]
    public void Glob_escapes_regex_characters()
    {
        Assert.Matches(ExecutionHistory.GlobToRegex("a.b(c)*"), "a.b(c) and more");
        Assert.DoesNotMatch(ExecutionHistory.GlobToRegex("a.b"), "axb");
    }
}
