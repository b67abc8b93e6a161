using System.CommandLine;
using System.Globalization;
using NotebookNN.Interactive.Plots;
using NotebookNN.Kernel.Engine;
using NotebookNN.Kernel.Html;
using NotebookNN.Kernel.Notebooks;
using NotebookNN.Kernel.Runner;
using Spectre.Console;

namespace NotebookNN.Kernel.Cli;

/// <summary>What <c>nnb run</c> was asked to do, before validation.</summary>
public sealed record RunArguments(
    IReadOnlyList<string> Paths,
    string? OutputDirectory = null,
    bool InPlace = false,
    double TimeoutSeconds = 300,
    IReadOnlyList<string>? Parameters = null,
    string? JUnitPath = null,
    int Parallel = 1,
    string? HtmlDirectory = null,
    bool AllowErrors = false,
    string? Shard = null,
    IReadOnlyList<string>? DurationReports = null);

/// <summary><c>nnb run &lt;notebooks or folders&gt;...</c>: runs notebooks headlessly and saves executed copies.</summary>
public static class RunCommand
{
    public const int ExitPassed = 0;
    public const int ExitFailed = 1;
    public const int ExitUsage = 2;

    /// <summary>The <c>run</c> command, bound to <paramref name="executorFactory"/> and the console.</summary>
    public static Command Create(EngineFactory executorFactory, NnbConsole console)
    {
        ArgumentNullException.ThrowIfNull(executorFactory);
        ArgumentNullException.ThrowIfNull(console);
        var paths = new Argument<string[]>("notebooks")
        {
            Description = "Notebooks (.ipynb, .dib) or folders to search for them (executed/ and hidden folders are skipped).",
            Arity = ArgumentArity.OneOrMore,
        };
        var outputDir = new Option<string?>("--output-dir", "-o")
        {
            Description = "Write executed copies here (default: an executed/ folder beside each notebook). Copies with charts load plotly.js from one shared " +
                          PlotlyHtml.PlotlyJsFileName + " written beside them: keep it with them.",
            HelpName = "DIR",
        };
        var inPlace = new Option<bool>("--in-place")
        {
            Description = "Replace each notebook with its executed copy (atomic). A failed notebook is left untouched; its copy goes to executed/. " +
                          "Nothing is written beside the notebooks: a copy with charts carries plotly.js itself (1.5 MB packed).",
        };
        var timeout = new Option<double>("--timeout")
        {
            Description = "Seconds one cell may run before it is stopped and the notebook fails.",
            DefaultValueFactory = _ => NotebookRunOptions.DefaultCellTimeout.TotalSeconds,
            HelpName = "SECONDS",
        };
        var parameters = new Option<string[]>("--parameter", "-p")
        {
            Description = "A parameter name=value, injected in a cell after the one tagged 'parameters' (repeatable).",
            HelpName = "name=value",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var junit = new Option<string?>("--junit") { Description = "Write a JUnit XML report here.", HelpName = "FILE" };
        var parallel = new Option<int>("--parallel")
        {
            Description = "Run up to N notebooks at once in N worker processes (each notebook with a fresh engine).",
            DefaultValueFactory = _ => 1,
            HelpName = "N",
        };
        var html = new Option<string?>("--html")
        {
            Description = "Write an HTML page per executed notebook and an index.html here (readable offline).",
            HelpName = "DIR",
        };

        var allowErrors = new Option<bool>("--allow-errors")
        {
            Description = "Run every cell even after one fails; the notebook still counts as failed and nnb exits 1.",
        };

        var shard = new Option<string?>("--shard")
        {
            Description = "Run only shard I of N (e.g. 2/4): the shards of N runs are disjoint and together run every notebook once.",
            HelpName = "I/N",
        };
        var durations = new Option<string[]>("--durations")
        {
            Description = "A JUnit report of an earlier run (repeatable): --shard balances the shards by its notebook times.",
            HelpName = "FILE",
            Arity = ArgumentArity.ZeroOrMore,
        };

        var command = new Command("run", "Run notebooks headlessly, save executed copies and print a summary.")
        {
            paths, outputDir, inPlace, timeout, parameters, junit, parallel, html, allowErrors, shard, durations,
        };
        command.SetAction((parse, cancellationToken) => ExecuteAsync(
            new RunArguments(
                parse.GetValue(paths) ?? [],
                parse.GetValue(outputDir),
                parse.GetValue(inPlace),
                parse.GetValue(timeout),
                parse.GetValue(parameters) ?? [],
                parse.GetValue(junit),
                parse.GetValue(parallel),
                parse.GetValue(html),
                parse.GetValue(allowErrors),
                parse.GetValue(shard),
                parse.GetValue(durations) ?? []),
            executorFactory, console, cancellationToken));
        return command;
    }

    /// <summary>Validates <paramref name="arguments"/>, runs the notebooks and writes the reports; returns the exit code.</summary>
    public static async Task<int> ExecuteAsync(
        RunArguments arguments, EngineFactory executorFactory, NnbConsole console, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(console);
        RunPlan plan;
        try
        {
            plan = Validate(arguments);
        }
        catch (UsageException e)
        {
            console.Error.WriteLine($"nnb run: {e.Message}");
            console.Error.WriteLine("Run `nnb run --help` for the options.");
            return ExitUsage;
        }

        if (plan.Shard is { } part)
            console.Out.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                $"Shard {part}: {plan.Jobs.Count} of {plan.TotalJobs} notebooks.")));
        var startedAt = DateTimeOffset.UtcNow;
        if (plan.Jobs.Count == 0)
        {
            // More shards than notebooks: this one has nothing to do, which is not a failure.
            if (arguments.JUnitPath is not null) JUnitReport.Write(arguments.JUnitPath, [], startedAt);
            return ExitPassed;
        }
        var reporter = new ConsoleReporter(console.Out);
        var results = await reporter.ShowAsync(() => RunOrchestrator.RunAllAsync(plan, executorFactory, reporter, cancellationToken))
            .ConfigureAwait(false);
        reporter.Summary(results);

        if (arguments.JUnitPath is not null)
        {
            JUnitReport.Write(arguments.JUnitPath, results, startedAt);
            console.Out.MarkupLine($"JUnit report: {Markup.Escape(Path.GetFullPath(arguments.JUnitPath))}");
        }
        if (arguments.HtmlDirectory is not null)
        {
            var index = HtmlSite.Write(arguments.HtmlDirectory, SiteEntries(results));
            console.Out.MarkupLine($"HTML pages: {Markup.Escape(Path.GetFullPath(index))}");
        }
        return results.All(r => r.Status == NotebookRunStatus.Passed) ? ExitPassed : ExitFailed;
    }

    /// <summary>Checks the arguments and plans the jobs.</summary>
    /// <exception cref="UsageException">Something is wrong with how nnb run was called.</exception>
    public static RunPlan Validate(RunArguments arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        if (!double.IsFinite(arguments.TimeoutSeconds) || arguments.TimeoutSeconds <= 0)
            throw new UsageException(string.Create(CultureInfo.InvariantCulture,
                $"--timeout must be a positive number of seconds (got {arguments.TimeoutSeconds})."));
        if (arguments.Parallel < 1)
            throw new UsageException(string.Create(CultureInfo.InvariantCulture,
                $"--parallel must be at least 1 (got {arguments.Parallel})."));

        var parameters = new List<NotebookParameter>();
        foreach (var text in arguments.Parameters ?? [])
        {
            NotebookParameter parameter;
            try
            {
                parameter = NotebookParameter.Parse(text);
            }
            catch (ArgumentException e)
            {
                throw new UsageException(e.Message);
            }
            if (parameters.Any(p => p.Name == parameter.Name))
                throw new UsageException($"Parameter '{parameter.Name}' is given twice; pass each parameter once.");
            parameters.Add(parameter);
        }

        var jobs = RunPlanner.Plan(arguments.Paths, arguments.OutputDirectory, arguments.InPlace);
        var total = jobs.Count;
        Shard? shard = null;
        if (arguments.Shard is not null)
        {
            try
            {
                shard = Runner.Shard.Parse(arguments.Shard);
                var durations = arguments.DurationReports is { Count: > 0 } reports ? Sharding.ReadDurations(reports) : null;
                jobs = Sharding.Select(jobs, shard.Value, durations);
            }
            catch (ArgumentException e)
            {
                throw new UsageException(e.Message);
            }
        }
        else if (arguments.DurationReports is { Count: > 0 })
        {
            throw new UsageException("--durations balances shards; use it with --shard I/N.");
        }
        var options = new NotebookRunOptions
        {
            CellTimeout = TimeSpan.FromSeconds(arguments.TimeoutSeconds), Parameters = parameters, AllowErrors = arguments.AllowErrors,
        };
        return new RunPlan(jobs, options, arguments.Parallel) { Shard = shard, TotalJobs = total };
    }

    /// <summary>The site's pages come from the executed copies as saved (also those written by worker processes).</summary>
    private static List<SiteEntry> SiteEntries(IReadOnlyList<NotebookJobResult> results)
    {
        var entries = new List<SiteEntry>();
        foreach (var result in results.Where(r => r.SavedPath is not null))
        {
            var run = new PageRunInfo(result.Status == NotebookRunStatus.Passed ? "passed" : "failed", result.CellsRun, result.CodeCells, result.Elapsed);
            entries.Add(new SiteEntry(result.Job.DisplayName, NotebookFile.Load(result.SavedPath!), run));
        }
        return entries;
    }
}
