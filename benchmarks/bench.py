"""Driver of benchmarks/run: runs every row of issue 9's table with the sides alternated (A B A B ...), each run in
a fresh process that does its own warm-up, and writes benchmarks/results.md.
Usage: /usr/bin/python3 benchmarks/bench.py [--quick]   (benchmarks/run builds first, then calls this)."""
import argparse
import glob
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
NNBENCH = os.path.join(HERE, "NotebookNN.Benchmarks", "bin", "Release", "net10.0", "nnbench")
NNB = os.path.join(ROOT, "src", "NotebookNN.Kernel", "bin", "Release", "net10.0", "nnb")
PY = "/usr/bin/python3"
OPENBLAS = "/usr/lib/x86_64-linux-gnu/openblas-openmp"
THREADS = os.cpu_count() or 1
# Same glibc allocator settings on both sides (nnb run sets these itself; the peers get them here).
MALLOC = {"MALLOC_MMAP_THRESHOLD_": "33554432", "MALLOC_TRIM_THRESHOLD_": "8589934592"}


def env(peer=False):
    e = dict(os.environ, **MALLOC, OMP_NUM_THREADS=str(THREADS), DOTNET_CLI_TELEMETRY_OPTOUT="1")
    if peer and os.path.isdir(OPENBLAS):
        e["LD_LIBRARY_PATH"] = OPENBLAS + (":" + e["LD_LIBRARY_PATH"] if e.get("LD_LIBRARY_PATH") else "")
    return e


def run_result(argv, peer=False, timeout=1800):
    """Runs argv and returns its RESULT json, plus the wall seconds."""
    start = time.perf_counter()
    done = subprocess.run(argv, env=env(peer), capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            result = json.loads(line[7:])
            result["wall_seconds"] = wall
            return result
    return {"wall_seconds": wall}


RAW = []


def alternate(sides, runs):
    """sides: {name: (argv, peer)}; runs each side `runs` times in A B A B order; returns {name: [result, ...]}."""
    results = {name: [] for name in sides}
    for i in range(runs):
        for name, (argv, peer) in sides.items():
            print(f"  run {i + 1}/{runs} {name}", flush=True)
            results[name].append(run_result(argv, peer))
            RAW.append({"side": name, "argv": argv[1:], "result": results[name][-1]})
    return results


def stats(values):
    return statistics.median(values), min(values), max(values), len(values)


class Report:
    def __init__(self):
        self.rows = []

    def figure(self, row, what, side, values, unit, peer=None, goal="", met=None):
        med, lo, hi, n = stats(values)
        ratio = "" if peer is None else f"{med / statistics.median(peer):.2f}"
        verdict = "" if met is None else ("met" if met else "missed")
        digits = {"s": 3, "×": 2, "ms": 2}.get(unit, 0)
        fmt = lambda v: f"{v:,.{digits}f}"
        self.rows.append(f"| {row} | {what} | {side} | {fmt(med)} {unit} | {fmt(lo)}–{fmt(hi)} | {n} | {ratio} | {goal} | {verdict} |")

    def note(self, row, text):
        self.rows.append(f"| {row} | {text} | | | | | | | |")


def flatten(results, key):
    out = []
    for r in results:
        v = r[key]
        out.extend(v if isinstance(v, list) else [v])
    return out


def training_rows(report, quick, runs):
    for model, samples in (("imdb", 2000 if quick else 25000), ("mnist", 1000 if quick else 10000)):
        # Full mode times several epochs per process: an IMDB epoch is ~0.3 s, so 2 timed epochs left ±6 % noise.
        epochs = "2" if quick else ("6" if model == "imdb" else "4")
        common = ["--model", model, "--samples", str(samples), "--epochs", epochs, "--threads", str(THREADS)]
        print(f"row 1-2: {model}", flush=True)
        res = alternate({
            "fit": ([NNBENCH, "train", "fit"] + common, False),
            "loop": ([NNBENCH, "train", "loop"] + common, False),
            "pytorch": ([PY, os.path.join(HERE, "peer.py"), "train", "pytorch"] + common, True),
        }, runs)
        t = {k: flatten(v, "seconds") for k, v in res.items()}
        what = f"{model} epoch ({samples} samples)"
        report.figure(1, what, "PyTorch 1.13 loop", t["pytorch"], "s")
        report.figure(1, what, "TorchSharp hand loop", t["loop"], "s", t["pytorch"])
        report.figure(1, what, "NotebookNN fit / hand loop", t["fit"], "s", t["loop"], "≤ 1.03",
                      None if quick else statistics.median(t["fit"]) / statistics.median(t["loop"]) <= 1.03)
        report.figure(1, what, "NotebookNN fit / PyTorch", t["fit"], "s", t["pytorch"], "≤ 1.0",
                      None if quick else statistics.median(t["fit"]) <= statistics.median(t["pytorch"]))
        peak = {k: [r["peak_rss_kb"] / 1024 for r in v] for k, v in res.items()}
        report.figure(2, f"{model} peak RSS", "PyTorch", peak["pytorch"], "MiB")
        report.figure(2, f"{model} peak RSS", "TorchSharp hand loop", peak["loop"], "MiB", peak["pytorch"])
        report.figure(2, f"{model} peak RSS", "NotebookNN fit", peak["fit"], "MiB", peak["pytorch"], "≤ 1.1",
                      None if quick else statistics.median(peak["fit"]) <= 1.1 * statistics.median(peak["pytorch"]))
        for side in ("fit", "loop", "pytorch"):
            growth = [(r["rss_after_epoch_kb"][-1] - r["rss_after_epoch_kb"][1]) / 1024 for r in res[side]]
            report.figure(2, f"{model} RSS growth epoch 2→{epochs} (MiB)", side, growth, "MiB", None,
                          "≈ 0 (≤ 16 MiB)" if side == "fit" else "",
                          None if quick or side != "fit" else statistics.median(growth) <= 16)


def mcdropout_rows(report, quick, runs):
    print("row 3: MC dropout", flush=True)
    common = ["--passes", "50", "--images", "200" if quick else "1000", "--reps", "1" if quick else "3", "--threads", str(THREADS)]
    res = alternate({
        "batched": ([NNBENCH, "mcdropout", "batched"] + common, False),
        "looped": ([NNBENCH, "mcdropout", "looped"] + common, False),
        "pytorch": ([PY, os.path.join(HERE, "peer.py"), "mcdropout", "pytorch"] + common, True),
    }, runs)
    t = {k: flatten(v, "seconds") for k, v in res.items()}
    what = f"MC dropout T=50, {common[3]} images (CNN width 0.25)"
    report.figure(3, what, "PyTorch loop", t["pytorch"], "s")
    report.figure(3, what, f"NotebookNN looped", t["looped"], "s", t["pytorch"], "looped ≤ PyTorch",
                  None if quick else statistics.median(t["looped"]) <= statistics.median(t["pytorch"]))
    calls = res["batched"][0].get("forward_calls")
    report.figure(3, what, f"NotebookNN batched ({calls} forward calls) / looped", t["batched"], "s", t["looped"], "≤ 1.05",
                  None if quick else statistics.median(t["batched"]) <= 1.05 * statistics.median(t["looped"]))
    report.note(3, "GPU: batched ≥ 3× looped — not measurable here: only the TorchSharp-cpu package is restorable on "
                   "this machine (no CUDA TorchSharp package in the offline feed) and the harness runs on the CPU box")


def kernelspec_prefix():
    prefix = tempfile.mkdtemp(prefix="nnb-bench-kernelspec-")
    subprocess.run([NNB, "install", "--prefix", prefix, "--name", "notebooknn"], check=True, stdout=subprocess.DEVNULL)
    data = os.path.join(prefix, "share", "jupyter")
    os.environ["JUPYTER_PATH"] = data + (os.pathsep + os.environ["JUPYTER_PATH"] if os.environ.get("JUPYTER_PATH") else "")
    return prefix


def kernel_rows(report, quick, runs):
    print("row 4: kernels", flush=True)
    warm = "20" if quick else "200"
    script = os.path.join(HERE, "kernel_latency.py")
    res = alternate({
        "nnb": ([PY, script, "notebooknn", "--warm", warm], False),
        "ipykernel": ([PY, script, "python3", "--warm", warm], False),
    }, runs)
    cold = {k: [r["cold_seconds"] for r in v] for k, v in res.items()}
    hot = {k: [r["warm_median_seconds"] * 1000 for r in v] for k, v in res.items()}
    report.figure(4, "kernel cold start (launch → first 1 + 1)", "ipykernel", cold["ipykernel"], "s")
    report.figure(4, "kernel cold start (launch → first 1 + 1)", "nnb kernel", cold["nnb"], "s", cold["ipykernel"], "≤ 2",
                  None if quick else statistics.median(cold["nnb"]) <= 2 * statistics.median(cold["ipykernel"]))
    report.figure(4, f"warm round trip (median of {warm} 1 + 1), ms", "ipykernel", hot["ipykernel"], "ms")
    report.figure(4, f"warm round trip (median of {warm} 1 + 1), ms", "nnb kernel", hot["nnb"], "ms", hot["ipykernel"], "≤ 1.5",
                  None if quick else statistics.median(hot["nnb"]) <= 1.5 * statistics.median(hot["ipykernel"]))


def trivial_notebook(path, kernel, language, code):
    import nbformat
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": kernel, "display_name": kernel, "language": language}
    nb.cells = [nbformat.v4.new_code_cell(code.format(i=i)) for i in range(5)]
    nbformat.write(nb, path)


def notebook_rows(report, quick, runs, work):
    print("row 5: trivial notebook", flush=True)
    cs, py = os.path.join(work, "trivial_cs.ipynb"), os.path.join(work, "trivial_py.ipynb")
    trivial_notebook(cs, "notebooknn", "C#", "{i} + 1")
    trivial_notebook(py, "python3", "python", "{i} + 1")
    out = os.path.join(work, "executed")
    res = alternate({
        "nnb run": ([NNB, "run", cs, "--output-dir", out], False),
        "nbconvert": ([PY, "-m", "nbconvert", "--to", "notebook", "--execute", "--output-dir", out, py], False),
    }, runs)
    t = {k: [r["wall_seconds"] for r in v] for k, v in res.items()}
    report.figure(5, "5-cell trivial notebook, headless", "jupyter nbconvert --execute (ipykernel)", t["nbconvert"], "s")
    report.figure(5, "5-cell trivial notebook, headless", "nnb run", t["nnb run"], "s", t["nbconvert"], "≤ 1.0",
                  None if quick else statistics.median(t["nnb run"]) <= statistics.median(t["nbconvert"]))


def format_rows(report, quick, runs):
    print("row 6: formatting", flush=True)
    large = "1000000" if quick else "100000000"
    warmup, reps = ("2", "3") if quick else ("10", "10")
    common = ["--warmup", warmup, "--reps", reps, "--large", large, "--threads", str(THREADS)]
    res = alternate({
        "text": ([NNBENCH, "format", "text"] + common, False),
        "html": ([NNBENCH, "format", "html"] + common, False),
        "repr": ([PY, os.path.join(HERE, "peer.py"), "format", "pytorch"] + common, True),
    }, runs)
    label = "1e6" if quick else "1e8"
    for size in ("1e3", "large"):
        shown = size if size == "1e3" else label
        t = {k: [s * 1000 for s in flatten(v, "seconds_" + size)] for k, v in res.items()}
        name = f"format {shown} elements, ms ({reps} calls per process after a warm-up of ≥ {warmup} calls and ≥ 1 s)"
        report.figure(6, name, "PyTorch repr", t["repr"], "ms")
        for side in ("text", "html"):
            report.figure(6, name, f"NotebookNN {side}", t[side], "ms", t["repr"], "≤ 1.0",
                          None if quick else statistics.median(t[side]) <= statistics.median(t["repr"]))
        first = {k: [r["first_seconds_" + size] * 1000 for r in v] for k, v in res.items()}
        name = f"format {shown} elements, ms (first call of a process: .NET compiles the formatter)"
        report.figure(6, name, "PyTorch repr", first["repr"], "ms")
        for side in ("text", "html"):
            report.figure(6, name, f"NotebookNN {side}", first[side], "ms", first["repr"])
    for side in ("text", "html", "repr"):
        small = statistics.median(flatten(res[side], "seconds_1e3"))
        big = [s / small for s in flatten(res[side], "seconds_large")]
        report.figure(6, f"{label} / 1e3 time ratio", side, big, "×", None, "≈ 1 (≤ 2)" if side != "repr" else "",
                      None if quick or side == "repr" else statistics.median(big) <= 2)


def curriculum_rows(report, quick, work):
    print("row 7: curriculum", flush=True)
    notebooks = sorted(glob.glob(os.path.join(ROOT, "notebooks", "*.ipynb")))
    if quick:
        notebooks = notebooks[:2]
    totals = {}
    for parallel in ("1", "2"):
        junit = os.path.join(work, f"junit-{parallel}.xml")
        out = os.path.join(work, f"curriculum-{parallel}")
        start = time.perf_counter()
        done = subprocess.run([NNB, "run", *notebooks, "--output-dir", out, "--parallel", parallel, "--junit", junit],
                              env=env(), capture_output=True, text=True, cwd=ROOT)
        totals[parallel] = time.perf_counter() - start
        report.figure(7, f"{len(notebooks)} notebooks, total (exit {done.returncode})", f"--parallel {parallel}",
                      [totals[parallel]], "s", None, "≤ 1200 s", None if quick else totals[parallel] <= 1200)
        if os.path.exists(junit):
            for case in ET.parse(junit).getroot().iter("testcase"):
                seconds = float(case.get("time", "0"))
                failure = next((child for child in case if child.tag in ("failure", "error")), None)
                why = "" if failure is None else " (FAILED: " + " ".join((failure.get("message") or failure.text or "").split())[:120] + ")"
                report.figure(7, f"{case.get('name')}{why}", f"--parallel {parallel}",
                              [seconds], "s", None, "≤ 90 s", None if quick else seconds <= 90)
    report.figure(7, "total --parallel 2 / --parallel 1", "ratio", [totals["2"] / totals["1"]], "×")


def machine():
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    mem = next((l.split(":", 1)[1].strip() for l in open("/proc/meminfo") if l.startswith("MemTotal")), "?")
    dotnet = subprocess.run(["dotnet", "--version"], capture_output=True, text=True).stdout.strip()
    torch = subprocess.run([PY, "-c", "import torch; print(torch.__version__)"], capture_output=True, text=True).stdout.strip()
    blas = run_result([PY, os.path.join(HERE, "peer.py"), "blas"], peer=True)
    props = open(os.path.join(ROOT, "Directory.Packages.props")).read()
    ts = props.split('Include="TorchSharp-cpu" Version="', 1)[1].split('"', 1)[0] if "TorchSharp-cpu" in props else "?"
    return [f"- machine: {platform.node()}, nproc {os.cpu_count()}, CPU {cpu}, memory {mem}",
            f"- versions: dotnet SDK {dotnet}, TorchSharp-cpu {ts}, PyTorch {torch} (Debian python3-torch), Python {platform.python_version()}",
            f"- peer BLAS: {', '.join(blas.get('blas_libraries', []))} (1024² matmul {blas['matmul_1024_seconds'] * 1000:.0f} ms)",
            f"- threads: {THREADS} on every side (torch.set_num_threads / OMP_NUM_THREADS); allocator: "
            + " ".join(f"{k}={v}" for k, v in MALLOC.items()) + " on every side"]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smoke test: fewer, smaller runs, no verdicts")
    parser.add_argument("--output", default=None,
                        help="where to write the report (default: results.md, or results-quick.md with --quick)")
    parser.add_argument("--rows", default="1,3,4,5,6,7",
                        help="comma-separated rows to run (1 includes 2, which comes from the same runs); default all")
    args = parser.parse_args()
    if args.output is None:
        args.output = os.path.join(HERE, "results-quick.md" if args.quick else "results.md")
    for path in (NNBENCH, NNB):
        if not os.path.exists(path):
            sys.exit(f"{path} is missing: run benchmarks/run, which builds it in Release first.")
    runs = 2 if args.quick else 5
    if not args.quick:
        # Let the load of the build just before (benchmarks/run) settle; a busy machine is reported, not hidden.
        deadline = time.time() + 180
        while os.getloadavg()[0] >= THREADS and time.time() < deadline:
            time.sleep(5)
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    load_before = os.getloadavg()
    work = tempfile.mkdtemp(prefix="nnb-bench-")
    prefix = kernelspec_prefix()
    rows = {r.strip() for r in args.rows.split(",")}
    unknown = rows - {"1", "2", "3", "4", "5", "6", "7"}
    if unknown:
        sys.exit(f"--rows: unknown row(s) {', '.join(sorted(unknown))}; use numbers 1 to 7.")
    if "2" in rows:
        rows.add("1")
    report = Report()
    head = machine()

    def write(state):
        load_now = os.getloadavg()
        lines = [f"# Benchmark results ({'quick smoke run: no verdicts' if args.quick else 'full run'}, {state})", "",
                 f"- run: {started}, `benchmarks/run{' --quick' if args.quick else ''}"
                 + (f" --rows {args.rows}" if args.rows != parser.get_default('rows') else "")
                 + f"`; {runs} alternated runs per side (A B A B), "
                 "each a fresh process with its own warm-up (first epoch / first call not counted)",
                 f"- load average (1/5/15 min) at start: {load_before[0]:.1f} / {load_before[1]:.1f} / {load_before[2]:.1f}, "
                 f"at this write: {load_now[0]:.1f} / {load_now[1]:.1f} / {load_now[2]:.1f}"
                 + (f" on {THREADS} cores — the load was above the core count at the start, so absolute times may be "
                    "inflated; ratios of alternated runs less so" if load_before[0] > THREADS else f" on {THREADS} cores"),
                 *head, "",
                 "Ratio = this side's median / the median of the side it is compared with (PyTorch, or the side the "
                 "figure names after '/').", "",
                 "| row | figure | side | median | min–max | n | ratio | goal | verdict |",
                 "|---|---|---|---|---|---|---|---|---|", *sorted(report.rows, key=lambda r: int(r.split("|")[1])), ""]
        with open(args.output, "w", encoding="utf-8") as f:
            f.write("\n".join(lines))
        with open(os.path.splitext(args.output)[0] + ".raw.json", "w", encoding="utf-8") as f:
            json.dump(RAW, f, indent=1)

    # Cheapest rows first, so that an interrupted full run still leaves the most rows in results.md.
    steps = [("4", lambda: kernel_rows(report, args.quick, runs)),
             ("5", lambda: notebook_rows(report, args.quick, runs, work)),
             ("6", lambda: format_rows(report, args.quick, runs)),
             ("3", lambda: mcdropout_rows(report, args.quick, runs)),
             ("1", lambda: training_rows(report, args.quick, runs)),
             ("7", lambda: curriculum_rows(report, args.quick, work))]
    try:
        for number, step in steps:
            if number in rows:
                step()
                write(f"written after row {number}")
        write("complete")
    finally:
        shutil.rmtree(work, True)
        shutil.rmtree(prefix, True)
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
