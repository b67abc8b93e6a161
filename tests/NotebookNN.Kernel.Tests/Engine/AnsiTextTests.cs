using NotebookNN.Kernel.Engine;
using NotebookNN.Kernel.Html;

namespace NotebookNN.Kernel.Tests.Engine;

public class AnsiTextTests
{
    [Fact]
    public void Colours_wrap_the_text_in_an_SGR_code_and_a_reset_that_strip_removes()
    {
        Assert.Equal("\u001b[0;31mValueError\u001b[0m", AnsiText.Red("ValueError"));
        Assert.Equal("\u001b[0;32mcell 2\u001b[0m", AnsiText.Green("cell 2"));
        Assert.Equal("ValueError: bad", AnsiText.Strip(AnsiText.Red("ValueError") + ": bad"));
        // Cursor movement and other non-colour sequences go too.
        Assert.Equal("ab", AnsiText.Strip("a\u001b[2Kb"));
    }

    [Fact]
    public void Segments_follow_colour_bold_bright_colours_and_resets()
    {
        var segments = AnsiText.Segments("plain \u001b[1;31mbold red\u001b[22m red\u001b[0m \u001b[92mbright green\u001b[39m default\u001b[5A!").ToList();
        Assert.Equal(
            [
                new AnsiText.Segment("plain ", null, false),
                new AnsiText.Segment("bold red", 31, true),
                new AnsiText.Segment(" red", 31, false),
                new AnsiText.Segment(" ", null, false),
                new AnsiText.Segment("bright green", 32, false),
                new AnsiText.Segment(" default", null, false),
                new AnsiText.Segment("!", null, false),
            ],
            segments);
    }

    [Fact]
    public void Html_of_a_traceback_escapes_markup_inside_and_outside_the_coloured_spans()
    {
        var html = NotebookHtml.AnsiToHtml(AnsiText.Red("List<int>") + " & \u001b[1mbold\u001b[0m");
        Assert.Equal("<span style=\"color:#e75c58;\">List&lt;int&gt;</span> &amp; <span style=\"font-weight:bold;\">bold</span>", html);
    }
}
