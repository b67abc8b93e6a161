#!/usr/bin/env python3
"""The NotebookNN packages in the real .NET Interactive host (dotnet-interactive 1.0.712001, Polyglot's engine),
driven as a Jupyter kernel by nbclient, side by side with nnb's kernel.

1. Packs NotebookNN, NotebookNN.Extensibility and NotebookNN.Interactive (Release build, --no-build) into a folder.
2. Installs the dotnet-interactive tool into a tool folder (kept between runs when --tool-dir is given).
3. Runs fixtures/extension_in_both_hosts.ipynb in both hosts: each cell must succeed or fail as its metadata
   "expect" says, in both, and every output must carry the same MIME types in both. Runs
   fixtures/dotnet_interactive_api.ipynb (the .NET Interactive API notebooks call) in both hosts: each cell must end
   as "expect" says (or "expect_dotnet_interactive" there), and both hosts' outputs must contain its "contains" text.
4. Runs the given curriculum notebooks in dotnet-interactive, unchanged but for a `#i "nuget: <folder>"` line the
   harness puts first (as a user would until the packages are published): no cell may fail, no claim may print ✘,
   and the ✔ claims must be the ones nnb prints for the same notebook.

Prints one line per check and a closing "polyglot: N passed, M failed"; exits 1 on any failure.
Usage: run_in_dotnet_interactive.py [--tool-dir DIR] [--nnb CMD] NOTEBOOK...
"""
import argparse
import copy
import glob
import json
import os
import pathlib
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

import nbformat
from nbclient import NotebookClient

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
TOOL_VERSION = "1.0.712001"
PACKAGES = ["NotebookNN", "NotebookNN.Extensibility", "NotebookNN.Interactive"]
FIXTURE = ROOT / "tests" / "polyglot" / "fixtures" / "extension_in_both_hosts.ipynb"
API_FIXTURE = ROOT / "tests" / "polyglot" / "fixtures" / "dotnet_interactive_api.ipynb"
# glibc allocator settings, as nnb's own kernelspec sets them for TorchSharp (see WorkerProtocol.cs).
MALLOC = {"MALLOC_MMAP_THRESHOLD_": "33554432", "MALLOC_TRIM_THRESHOLD_": "8589934592"}


def run(argv, **kwargs):
    return subprocess.run(argv, check=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kwargs)


def pack(folder):
    """Packs the packages; drops earlier copies of the same version from the NuGet cache so the host restores these."""
    for package in PACKAGES:
        run(["dotnet", "pack", str(ROOT / "src" / package), "--no-build", "-c", "Release", "-o", folder, "-v", "q"])
    cache = pathlib.Path(os.environ.get("NUGET_PACKAGES") or pathlib.Path.home() / ".nuget" / "packages")
    for nupkg in glob.glob(os.path.join(folder, "*.nupkg")):
        name = os.path.basename(nupkg)[: -len(".nupkg")]
        package = next(p for p in sorted(PACKAGES, key=len, reverse=True) if name.startswith(p + "."))
        version = name[len(package) + 1:]
        shutil.rmtree(cache / package.lower() / version, ignore_errors=True)


def install_tool(folder):
    executable = os.path.join(folder, "dotnet-interactive")
    if not os.path.exists(executable):
        run(["dotnet", "tool", "install", "Microsoft.dotnet-interactive", "--version", TOOL_VERSION, "--tool-path", folder])
    return executable


def install_kernelspecs(prefix, tool, nnb):
    """A kernelspec for each host under prefix/share/jupyter/kernels; JUPYTER_PATH points there."""
    data = os.path.join(prefix, "share", "jupyter")
    spec = os.path.join(data, "kernels", "dotnet-interactive-csharp")
    os.makedirs(spec)
    with open(os.path.join(spec, "kernel.json"), "w", encoding="utf-8") as f:
        json.dump({
            "argv": [tool, "jupyter", "--default-kernel", "csharp", "{connection_file}", "--http-port-range", "2048-3000"],
            "display_name": "C# (.NET Interactive)", "language": "C#",
            "env": dict(MALLOC, DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT="1", DOTNET_CLI_TELEMETRY_OPTOUT="1"),
        }, f)
    run(nnb + ["install", "--prefix", prefix, "--name", "notebooknn"])
    os.environ["JUPYTER_PATH"] = data
    return {"dotnet-interactive": "dotnet-interactive-csharp", "nnb": "notebooknn"}


def with_source_line(notebook, packages):
    """The notebook with `#i "nuget: <packages>"` first in its first code cell."""
    nb = copy.deepcopy(notebook)
    first = next(c for c in nb.cells if c.cell_type == "code")
    first.source = f'#i "nuget: {packages}"\n' + first.source
    return nb


def execute(notebook, kernel, timeout, folder=None):
    """Runs a copy of the notebook in folder (the notebook's own folder, as Jupyter does; default: a temporary one)."""
    nb = copy.deepcopy(notebook)
    client = NotebookClient(nb, kernel_name=kernel, timeout=timeout, allow_errors=True,
                            resources={"metadata": {"path": folder or tempfile.gettempdir()}})
    client.execute()
    return nb


def outcome(cell):
    return "error" if any(o.output_type == "error" for o in cell.outputs) else "ok"


def mime_types(cell):
    """The MIME types of each rich output, in order (streams and errors left out)."""
    return [sorted(o.data.keys()) for o in cell.outputs if o.output_type in ("execute_result", "display_data")
            and not str(o.data.get("text/plain", "")).startswith(("Installed Packages", "Loading extensions"))
            and "Installed Packages" not in str(o.data.get("text/html", ""))
            # dotnet-interactive's own script that finds the output cell for its JavaScript API.
            and "dotnet-interactive-this-cell" not in str(o.data.get("text/html", ""))]


def text_of(cell):
    parts = []
    for o in cell.outputs:
        if o.output_type == "stream":
            parts.append(o.text)
        elif o.output_type == "error":
            parts.append(f"{o.ename}: {o.evalue}")
        elif "text/plain" in o.get("data", {}):
            parts.append(str(o.data["text/plain"]))
    return "".join(parts)


def claims(nb):
    lines = [line.strip() for cell in nb.cells if cell.cell_type == "code" for line in text_of(cell).splitlines()]
    return [l for l in lines if l.startswith("✔")], [l for l in lines if l.startswith("✘")]


class Report:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, ok, what, detail=""):
        if ok:
            self.passed += 1
            print(f"PASS {what}")
        else:
            self.failed += 1
            print(f"FAIL {what}" + (f"\n     {detail}" if detail else ""))


def compare_fixture(report, packages, kernels):
    fixture = with_source_line(nbformat.read(FIXTURE, as_version=4), packages)
    results = {host: execute(fixture, kernel, 300) for host, kernel in kernels.items()}
    di, nnb = results["dotnet-interactive"].cells, results["nnb"].cells
    for index, (expected, a, b) in enumerate(zip(fixture.cells, di, nnb)):
        line = expected.source.splitlines()[1 if index == 0 else 0]
        want = expected.metadata.get("expect", "ok")
        report.check(outcome(a) == want, f"dotnet-interactive: `{line}` {want}", text_of(a)[:600])
        report.check(outcome(b) == want, f"nnb: `{line}` {want}", text_of(b)[:600])
        if want == "ok":
            report.check(mime_types(a) == mime_types(b), f"same MIME types in both hosts: `{line}`",
                         f"dotnet-interactive {mime_types(a)} vs nnb {mime_types(b)}")
        else:
            # One clear line: the magic's own message, which names the command, in both hosts.
            first_a = text_of(a).strip().splitlines()[0] if text_of(a).strip() else ""
            report.check("#!nn-" in first_a, f"dotnet-interactive's error names the magic: `{line}`", first_a)
    stdout = text_of(di[0])
    report.check("Error" not in stdout and "error" not in stdout, "the extension loads in dotnet-interactive without an error", stdout[:600])


def all_text(cell):
    """Every output's text: streams, errors, and each MIME type's data."""
    parts = [text_of(cell)]
    for o in cell.outputs:
        parts.extend(str(v) for v in o.get("data", {}).values())
    return "".join(parts)


def compare_api_fixture(report, kernels):
    fixture = nbformat.read(API_FIXTURE, as_version=4)
    results = {host: execute(fixture, kernel, 300) for host, kernel in kernels.items()}
    for index, expected in enumerate(fixture.cells):
        line = expected.source.splitlines()[-1][:70]
        for host, executed in results.items():
            cell = executed.cells[index]
            want = expected.metadata.get("expect_dotnet_interactive" if host == "dotnet-interactive" else "expect",
                                         expected.metadata.get("expect", "ok"))
            report.check(outcome(cell) == want, f"{host}: `{line}` {want}", text_of(cell)[:600])
            if want == "ok" and expected.metadata.get("contains"):
                report.check(expected.metadata["contains"] in all_text(cell),
                             f"{host}: `{line}` shows {expected.metadata['contains']!r}", all_text(cell)[:600])


def run_curriculum(report, packages, kernels, notebooks, timeout):
    for path in notebooks:
        name = os.path.basename(path)
        notebook = nbformat.read(path, as_version=4)
        started = time.monotonic()
        folder = os.path.dirname(os.path.abspath(path))
        di = execute(with_source_line(notebook, packages), kernels["dotnet-interactive"], timeout, folder)
        seconds = time.monotonic() - started
        failures = [text_of(c)[:400] for c in di.cells if c.cell_type == "code" and outcome(c) == "error"]
        report.check(not failures, f"{name} runs in dotnet-interactive ({seconds:.0f} s)", "\n     ".join(failures))
        passed, failed = claims(di)
        reference, _ = claims(execute(notebook, kernels["nnb"], timeout, folder))
        report.check(not failed and len(passed) > 0 and len(passed) == len(reference),
                     f"{name}: {len(passed)} claims ✔ in dotnet-interactive, {len(reference)} in nnb, none ✘",
                     "\n     ".join(failed))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tool-dir", help="where dotnet-interactive is (or gets) installed; default: a temporary folder")
    parser.add_argument("--nnb", default=f"dotnet {ROOT}/src/NotebookNN.Kernel/bin/Release/net10.0/nnb.dll")
    parser.add_argument("--timeout", type=int, default=600, help="seconds a cell may run")
    parser.add_argument("notebooks", nargs="*")
    args = parser.parse_args()
    missing = [path for path in args.notebooks if not os.path.isfile(path)]
    if missing:
        parser.error("no such notebook: " + ", ".join(missing) + " (give paths to .ipynb files, e.g. notebooks/Q04-*.ipynb)")

    work = tempfile.mkdtemp(prefix="polyglot-")
    try:
        packages = os.path.join(work, "packages")
        pack(packages)
        tool = install_tool(args.tool_dir or os.path.join(work, "tool"))
        kernels = install_kernelspecs(os.path.join(work, "jupyter"), tool, shlex.split(args.nnb))
        report = Report()
        compare_fixture(report, packages, kernels)
        compare_api_fixture(report, kernels)
        run_curriculum(report, packages, kernels, args.notebooks, args.timeout)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"polyglot: {report.passed} passed, {report.failed} failed")
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
