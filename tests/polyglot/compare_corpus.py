#!/usr/bin/env python3
"""Runs every code cell of a folder of Polyglot (.NET Interactive) notebooks in both hosts, the real dotnet-interactive
1.0.712001 and nnb, driven as Jupyter kernels by nbclient, and compares cell by cell which run.

Each cell is classified:
  ok-both            runs in both hosts
  fail-both          fails in both
  ok-only-nnb        fails in dotnet-interactive, runs in nnb
  ok-only-di         runs in dotnet-interactive, fails in nnb: what issue 14 asks to drive to zero
  excepted           fails in dotnet-interactive for a reason outside both hosts' code (a package the NuGet source
                     lacks, no network), and in nnb too or not
  not-run            not reached in a host: the notebook's time budget ran out, a cell timed out or the kernel died
Cells for another kernel (#!fsharp, #!pwsh, #!sql, #!javascript, #!html, #!value..., or a cell whose metadata names
another language) run too, so that state flows as in the notebook, but are counted apart, never compared.
Input requests (GetInputAsync, input_request on the stdin channel) are answered with a fixed value in both hosts.

Writes REPORT.json (every cell, both hosts' outcomes and first error lines) and REPORT.md (a table per notebook and
the full list of ok-only-di cells) into --out. Notebooks run one after another, under nice: the machine is shared.
Usage: compare_corpus.py [--tool-dir DIR] [--nnb CMD] [--out DIR] [--only NAME...] FOLDER
(--only and --skip-done run some notebooks and keep the other notebooks' results of the report already in --out.)
"""
import argparse
import asyncio
import copy
import glob
import json
import os
import re
import shlex
import shutil
import sys
import tempfile
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run_in_dotnet_interactive import ROOT, install_kernelspecs, install_tool  # noqa: E402

HOSTS = ["dotnet-interactive", "nnb"]
CSHARP = {"csharp", "c#", "cs"}
# Kernel names (and aliases) of .NET Interactive's other subkernels: a cell whose first line selects one of these
# is another kernel's cell.
OTHER_KERNELS = {"fsharp", "f#", "pwsh", "powershell", "javascript", "js", "html", "markdown", "md", "sql", "kql",
                 "mermaid", "value", "http", "python", "r", "vscode", "webview", "spiral"}
# A dotnet-interactive error from outside both hosts' code: the NuGet source lacks the package, or no network.
EXCEPTED = re.compile(
    r"NU110[0-9]|NU1301|Unable to find package|Unable to load the service index|could not be resolved|"
    r"No such host|Name or service not known|Name does not resolve|nodename nor servname|Connection refused|"
    r"HttpRequestException|network is unreachable|Resource temporarily unavailable|SocketException|"
    r"Failed to restore|No packages exist with this id|Unable to resolve", re.IGNORECASE)
ANSWER = "42"


def cell_language(cell, default):
    """The cell's kernel: its first-line selector (#!fsharp), else its metadata, else the notebook's default."""
    first = cell.source.lstrip().splitlines()[0].strip() if cell.source.strip() else ""
    match = re.match(r"#!([\w#-]+)\s*$", first)
    if match and (match.group(1).lower() in OTHER_KERNELS or match.group(1).lower() in CSHARP):
        return match.group(1).lower()
    meta = cell.metadata.get("dotnet_interactive", {}).get("language") \
        or cell.metadata.get("polyglot_notebook", {}).get("kernelName")
    return (meta or default).lower()


def default_language(nb):
    info = nb.metadata.get("polyglot_notebook", {}).get("kernelInfo", {}).get("defaultKernelName")
    if info:
        return info.lower()
    name = nb.metadata.get("kernelspec", {}).get("name", ".net-csharp").lower()
    return {".net-fsharp": "fsharp", ".net-powershell": "pwsh", ".net-pwsh": "pwsh"}.get(name, "csharp")


def prepared(nb):
    """The notebook's code cells as the hosts get them: a cell whose metadata names another kernel but whose text
    does not select it gets the selector as its first line, as Polyglot's front end sends it."""
    default = default_language(nb)
    cells = []
    for cell in nb.cells:
        if cell.cell_type != "code" or not cell.source.strip():
            continue
        cell = copy.deepcopy(cell)
        cell.outputs = []
        language = cell_language(cell, default)
        first = cell.source.lstrip().splitlines()[0].strip()
        if language not in CSHARP and not first.startswith(f"#!{language}"):
            cell.source = f"#!{language}\n" + cell.source
        cell.metadata["compare_language"] = language
        cells.append(cell)
    out = copy.deepcopy(nb)
    out.cells = cells
    return out


def error_text(cell, reply):
    """The cell's error output and stderr (dotnet-interactive writes compiler diagnostics to stderr and ends with a
    bare "Error: compilation error")."""
    parts = [f"{o.ename}: {o.evalue}".strip() for o in cell.outputs if o.output_type == "error"]
    parts += [o.text.strip() for o in cell.outputs
              if o.output_type == "stream" and o.name == "stderr" and o.text.strip()]
    if not parts:
        content = (reply or {}).get("content", {})
        parts.append(f"{content.get('ename', 'error')}: {content.get('evalue', '')}".strip())
    return "\n".join(parts)


def first_error_line(text):
    """The error's first line, with the first diagnostic when the first line says only that compilation failed."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return "error"
    if lines[0] in ("Error: compilation error", "Error: Compilation error") and len(lines) > 1:
        return lines[1]
    return lines[0]


def first_line(source):
    """The cell's first line that says something: not a bare `#!csharp` selector, not blank."""
    lines = [l.strip() for l in source.splitlines() if l.strip() and not re.fullmatch(r"#!(csharp|c#|cs)", l.strip())]
    return (lines or [""])[0][:120]


def first_output_line(cell):
    for output in cell.outputs:
        text = output.get("text") or output.get("data", {}).get("text/plain") or ""
        if str(text).strip():
            return str(text).strip().splitlines()[0][:200]
    return ""


class Client(NotebookClient):
    """nbclient's client with a stdin channel: every input_request is answered with ANSWER."""

    async def answer_input_requests(self, asked):
        while True:
            msg = await self.kc.stdin_channel.get_msg(timeout=None)
            if msg["header"]["msg_type"] == "input_request":
                asked.add(msg["parent_header"].get("msg_id"))
                self.kc.input(ANSWER)


async def run_in_host(nb, kernel, cell_timeout, budget, folder):
    """Runs the cells one by one; returns per cell {status, error, output, input}. status: ok, error, timeout,
    not-run (budget spent, an earlier timeout, or the kernel died)."""
    results = [{"status": "not-run", "error": "", "output": "", "input": False} for _ in nb.cells]
    replies = {}
    client = Client(nb, kernel_name=kernel, timeout=cell_timeout, allow_errors=True, startup_timeout=180,
                    resources={"metadata": {"path": folder}},
                    on_cell_executed=lambda cell, cell_index, execute_reply:
                    replies.__setitem__(cell_index, execute_reply))
    started = time.monotonic()
    asked = set()
    try:
        async with client.async_setup_kernel():
            client.kc.allow_stdin = True
            stdin_task = asyncio.ensure_future(client.answer_input_requests(asked))
            try:
                for index, cell in enumerate(nb.cells):
                    if time.monotonic() - started > budget:
                        for rest in results[index:]:
                            rest["error"] = "notebook budget spent"
                        break
                    try:
                        await client.async_execute_cell(cell, index)
                    except CellTimeoutError:
                        results[index].update(status="timeout", error=f"cell ran past {cell_timeout} s")
                        for rest in results[index + 1:]:
                            rest["error"] = "after a timeout"
                        break
                    reply = replies.get(index)
                    failed = any(o.output_type == "error" for o in cell.outputs) \
                        or (reply or {}).get("content", {}).get("status") == "error"
                    text = error_text(cell, reply) if failed else ""
                    results[index].update(status="error" if failed else "ok",
                                          error=first_error_line(text) if failed else "", error_text=text[:2000],
                                          output=first_output_line(cell))
                    results[index]["input"] = bool(reply) and reply["parent_header"].get("msg_id") in asked
            finally:
                stdin_task.cancel()
    except DeadKernelError as e:
        for r in results:
            if r["status"] == "not-run" and not r["error"]:
                r["error"] = f"kernel died: {e}"
    except Exception as e:  # a kernel that does not start: every cell not run, with the reason
        for r in results:
            if r["status"] == "not-run" and not r["error"]:
                r["error"] = f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"
    return results, time.monotonic() - started


def classify(language, di, nnb):
    if language not in CSHARP:
        return "other-kernel"
    if di["status"] == "not-run" or nnb["status"] == "not-run":
        return "not-run"
    di_ok, nnb_ok = di["status"] == "ok", nnb["status"] == "ok"
    if not di_ok and EXCEPTED.search(di.get("error_text", di["error"])):
        return "excepted"
    if di_ok and nnb_ok:
        return "ok-both"
    if di_ok:
        return "ok-only-di"
    if nnb_ok:
        return "ok-only-nnb"
    return "fail-both"


# nnb's compiler error for a name it does not know, and the name.
UNKNOWN_NAME = re.compile(r"error CS(?:0103|0246|0234|1061)\b.*?'([^']+)'")


def declares(source, name):
    """Whether a cell's source declares the name: a variable, a type, or a method."""
    n = re.escape(name)
    return bool(re.search(rf"\b(?:var|class|record|struct|interface|enum|delegate)\s+{n}\b"
                          rf"|\b\w[\w<>\[\]?,.]*\s+{n}\s*(?:=[^=>]|;|\()", source))


def mark_follow_on(cells, sources):
    """Marks each ok-only-di cell whose nnb error is an unknown name that an earlier cell, one that failed in nnb,
    declares: `follow_on` is that cell's index. The report lists these apart from the first causes."""
    for cell in cells:
        match = UNKNOWN_NAME.search(cell["nnb"]["error"])
        if cell["class"] != "ok-only-di" or not match:
            continue
        name = match.group(1).split(".")[0]
        for earlier in cells[:cell["index"]]:
            if earlier["nnb"]["status"] != "ok" and declares(sources[earlier["index"]], name):
                cell["follow_on"] = earlier["index"]
                break


CLASSES = ["ok-both", "fail-both", "ok-only-nnb", "ok-only-di", "excepted", "not-run", "other-kernel"]


def compare(path, kernels, cell_timeout, budget, work):
    nb = prepared(nbformat.read(path, as_version=4))
    name = os.path.basename(path)
    runs = {}
    for host in HOSTS:
        # Each host gets its own copy of the notebook's folder, so files one writes do not reach the other.
        folder = os.path.join(work, host, name[:-len(".ipynb")])
        shutil.copytree(os.path.dirname(os.path.abspath(path)), folder, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("*.ipynb", "REPORT*", "SOURCES.tsv"))
        runs[host] = asyncio.run(run_in_host(copy.deepcopy(nb), kernels[host], cell_timeout, budget, folder))
    cells = []
    for index, cell in enumerate(nb.cells):
        language = cell.metadata["compare_language"]
        di, nnb = runs["dotnet-interactive"][0][index], runs["nnb"][0][index]
        cells.append({"index": index, "language": language, "first_line": first_line(cell.source),
                      "source": cell.source, "class": classify(language, di, nnb),
                      "dotnet-interactive": di, "nnb": nnb})
    mark_follow_on(cells, [cell["source"] for cell in cells])
    counts = {c: sum(1 for cell in cells if cell["class"] == c) for c in CLASSES}
    return {"notebook": name, "seconds": {h: round(runs[h][1], 1) for h in HOSTS}, "counts": counts, "cells": cells}


def markdown(report):
    lines = ["| notebook | C# cells | " + " | ".join(CLASSES) + " | s (di / nnb) |",
             "|---|---:|" + "---:|" * len(CLASSES) + "---|"]
    totals = {c: 0 for c in CLASSES}
    for nb in report["notebooks"]:
        csharp = sum(v for k, v in nb["counts"].items() if k != "other-kernel")
        for c in CLASSES:
            totals[c] += nb["counts"][c]
        lines.append(f"| {nb['notebook']} | {csharp} | " + " | ".join(str(nb["counts"][c]) for c in CLASSES)
                     + f" | {nb['seconds']['dotnet-interactive']:.0f} / {nb['seconds']['nnb']:.0f} |")
    lines.append(f"| **all {len(report['notebooks'])}** | {sum(v for k, v in totals.items() if k != 'other-kernel')} | "
                 + " | ".join(f"**{totals[c]}**" for c in CLASSES) + " | |")
    lines += ["", "## Cells that run in dotnet-interactive but fail in nnb (ok-only-di)", ""]
    for nb in report["notebooks"]:
        for cell in nb["cells"]:
            if cell["class"] == "ok-only-di" and "follow_on" not in cell:
                lines.append(f"- {nb['notebook']} cell {cell['index']} `{cell['first_line']}`  \n"
                             f"  nnb: {cell['nnb']['error'] or cell['nnb']['status']}  \n"
                             f"  dotnet-interactive: ok ({cell['dotnet-interactive']['output'][:120] or 'no output'})")
    lines += ["", "### ... and those that only follow an earlier cell's failure (a name it declared is unknown)", ""]
    for nb in report["notebooks"]:
        for cell in nb["cells"]:
            if "follow_on" in cell:
                lines.append(f"- {nb['notebook']} cell {cell['index']} (after cell {cell['follow_on']}): "
                             f"{cell['nnb']['error'][:160]}")
    lines += ["", "## Cells that run in nnb but fail in dotnet-interactive (ok-only-nnb)", ""]
    for nb in report["notebooks"]:
        for cell in nb["cells"]:
            if cell["class"] == "ok-only-nnb":
                lines.append(f"- {nb['notebook']} cell {cell['index']} `{cell['first_line']}`  \n"
                             f"  dotnet-interactive: {cell['dotnet-interactive']['error']}")
    return "\n".join(lines) + "\n"


def write(report, out):
    with open(os.path.join(out, "REPORT.json"), "w", encoding="utf-8") as f:
        json.dump(report, f, indent=1, ensure_ascii=False)
    with open(os.path.join(out, "REPORT.md"), "w", encoding="utf-8") as f:
        f.write(markdown(report))


def render(out):
    """Classifies the cells of an existing report again (after a change to the rules) and rewrites both files."""
    with open(os.path.join(out, "REPORT.json"), encoding="utf-8") as f:
        report = json.load(f)
    for nb in report["notebooks"]:
        for cell in nb["cells"]:
            cell.pop("follow_on", None)
            cell["class"] = classify(cell["language"], cell["dotnet-interactive"], cell["nnb"])
        mark_follow_on(nb["cells"], [cell["source"] for cell in nb["cells"]])
        nb["counts"] = {c: sum(1 for cell in nb["cells"] if cell["class"] == c) for c in CLASSES}
    write(report, out)
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", help="a folder of .ipynb files")
    parser.add_argument("--tool-dir", default="/work/tools/di", help="where dotnet-interactive is (or gets) installed")
    parser.add_argument("--nnb", default=f"dotnet {ROOT}/src/NotebookNN.Kernel/bin/Release/net10.0/nnb.dll")
    parser.add_argument("--out", help="where REPORT.json and REPORT.md go; default: the folder")
    parser.add_argument("--cell-timeout", type=int, default=120, help="seconds a cell may run")
    parser.add_argument("--budget", type=int, default=600, help="seconds a notebook may run in each host")
    parser.add_argument("--only", nargs="*", help="notebook file names to run (default: all in the folder)")
    parser.add_argument("--render", action="store_true",
                        help="run nothing: classify the cells of the report in --out again and rewrite REPORT.md")
    parser.add_argument("--skip-done", action="store_true",
                        help="run only the notebooks the report in --out does not hold yet, and keep the ones it does")
    args = parser.parse_args()
    if not os.path.isdir(args.folder):
        parser.error(f"no such folder: {args.folder} (give a folder holding .ipynb files)")
    if args.render:
        return render(args.out or args.folder)
    paths = sorted(glob.glob(os.path.join(args.folder, "*.ipynb")))
    if args.only:
        paths = [p for p in paths if os.path.basename(p) in set(args.only)]
    out = args.out or args.folder
    os.makedirs(out, exist_ok=True)
    earlier = os.path.join(out, "REPORT.json")
    kept = []
    if (args.only or args.skip_done) and os.path.exists(earlier):
        # A partial run keeps the other notebooks' results of the report already there.
        with open(earlier, encoding="utf-8") as f:
            kept = json.load(f)["notebooks"]
        if args.skip_done:
            done = {nb["notebook"] for nb in kept}
            paths = [p for p in paths if os.path.basename(p) not in done]
        names = {os.path.basename(p) for p in paths}
        kept = [nb for nb in kept if nb["notebook"] not in names]
    if not paths and not args.skip_done:
        parser.error(f"no .ipynb files to run in {args.folder}")
    os.nice(10)
    work = tempfile.mkdtemp(prefix="corpus-")
    report = {"tool": "dotnet-interactive 1.0.712001", "cell_timeout": args.cell_timeout, "budget": args.budget,
              "notebooks": kept}
    try:
        kernels = install_kernelspecs(os.path.join(work, "jupyter"), install_tool(args.tool_dir), shlex.split(args.nnb))
        for path in paths:
            result = compare(path, kernels, args.cell_timeout, args.budget, work)
            report["notebooks"] = sorted(report["notebooks"] + [result], key=lambda nb: nb["notebook"])
            counts = ", ".join(f"{k} {v}" for k, v in result["counts"].items() if v)
            print(f"{result['notebook']}: {counts}", flush=True)
            # Written after each notebook, so a long run can be read while it goes on.
            write(report, out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    total = {c: sum(nb["counts"][c] for nb in report["notebooks"]) for c in CLASSES}
    print("corpus: " + ", ".join(f"{k} {v}" for k, v in total.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
