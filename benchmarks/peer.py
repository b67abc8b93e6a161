"""The PyTorch side of benchmarks/run: the same workloads as nnbench (NotebookNN.Benchmarks), same data files,
same models, initialisation (PyTorch's defaults on both sides), optimisers, batch sizes and thread count.
Prints one "RESULT {json}" line. Run with Debian's /usr/bin/python3 (torch 1.13)."""
import argparse
import gzip
import json
import os
import struct
import time

import numpy as np
import torch
from torch import nn

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.environ.get("NOTEBOOKNN_DATA") or os.path.join(ROOT, "datasets")


def status_kb(field):
    """A kB field of /proc/self/status (VmRSS now, VmHWM the peak)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"/proc/self/status has no {field} line")


def imdb(samples):
    """Multi-hot [N, 10000] float32 and labels [N, 1], from the same train.tsv.gz the library reads."""
    x = np.zeros((samples, 10000), dtype=np.float32)
    y = np.zeros((samples, 1), dtype=np.float32)
    with gzip.open(os.path.join(DATA, "imdb", "train.tsv.gz"), "rt", encoding="ascii") as lines:
        for i, line in enumerate(lines):
            if i >= samples:
                break
            label, indices = line.rstrip("\n").split("\t")
            y[i, 0] = float(label)
            x[i, np.fromiter(map(int, indices.split(" ")), dtype=np.int64)] = 1.0
    return torch.from_numpy(x), torch.from_numpy(y)


def mnist(split, samples):
    """[N, 1, 28, 28] float32 in [0, 1] and int64 labels, from the same IDX files."""
    prefix = "train" if split == "train" else "t10k"
    with gzip.open(os.path.join(DATA, "mnist", f"{prefix}-images-idx3-ubyte.gz"), "rb") as f:
        _, total, rows, cols = struct.unpack(">IIII", f.read(16))
        n = min(total, samples)
        pixels = np.frombuffer(f.read(n * rows * cols), dtype=np.uint8).reshape(n, 1, rows, cols)
    with gzip.open(os.path.join(DATA, "mnist", f"{prefix}-labels-idx1-ubyte.gz"), "rb") as f:
        f.read(8)
        labels = np.frombuffer(f.read(n), dtype=np.uint8)
    return torch.from_numpy(pixels.astype(np.float32) / 255.0), torch.from_numpy(labels.astype(np.int64))


def mnist_cnn():
    """MnistCnn.Create(width: 0.25): conv 8, conv 16, pool, dropout .25, dense 32, dropout .5, dense 10."""
    return nn.Sequential(nn.Conv2d(1, 8, 3), nn.ReLU(), nn.Conv2d(8, 16, 3), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Dropout(0.25), nn.Flatten(), nn.Linear(16 * 12 * 12, 32), nn.ReLU(), nn.Dropout(0.5),
                         nn.Linear(32, 10))


def train(args):
    torch.manual_seed(1)
    if args.model == "imdb":
        x, y = imdb(args.samples or 25000)
        net = nn.Sequential(nn.Linear(10000, 16), nn.ReLU(), nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 1))
        loss, optimizer, batch = nn.functional.binary_cross_entropy_with_logits, torch.optim.RMSprop(net.parameters(), lr=0.001), 512
    else:
        x, y = mnist("train", args.samples or 10000)
        net = mnist_cnn()
        loss, optimizer, batch = nn.functional.cross_entropy, torch.optim.Adam(net.parameters(), lr=0.001), 128
    generator = torch.Generator().manual_seed(7)
    seconds, rss = [], []
    n = x.shape[0]
    for _ in range(args.epochs):
        start = time.perf_counter()
        net.train()
        order = torch.randperm(n, generator=generator)
        total = torch.zeros(1)
        for first in range(0, n, batch):
            index = order[first:first + batch]
            xb, yb = x.index_select(0, index), y.index_select(0, index)
            optimizer.zero_grad()
            value = loss(net(xb), yb)
            value.backward()
            optimizer.step()
            total += value.detach() * xb.shape[0]
        total.item()
        seconds.append(time.perf_counter() - start)
        rss.append(status_kb("VmRSS"))
    return {"seconds": seconds[1:], "warmup_seconds": seconds[0], "rss_after_epoch_kb": rss, "samples": n}


def mcdropout(args):
    torch.manual_seed(1)
    x, _ = mnist("test", args.images)
    net = mnist_cnn()
    net.train()  # the model has no batch norm, so train() switches on exactly its dropout layers
    seconds = []
    for _ in range(args.reps + 1):
        start = time.perf_counter()
        with torch.no_grad():
            torch.stack([net(x) for _ in range(args.passes)])
        seconds.append(time.perf_counter() - start)
    return {"seconds": seconds[1:], "warmup_seconds": seconds[0], "forward_calls": args.passes}


def formatting(args):
    side = int(round(args.large ** 0.5))
    result = {}
    for name, shape in (("1e3", (10, 100)), ("large", (side, side))):
        t = torch.linspace(0, 1, shape[0] * shape[1]).reshape(shape)
        start = time.perf_counter()
        repr(t)
        result["first_seconds_" + name] = time.perf_counter() - start
        # The same warm-up rule as the .NET side: at least --warmup calls and one second.
        warming, calls = time.perf_counter(), 1
        while calls < args.warmup or time.perf_counter() - warming < 1:
            repr(t)
            calls += 1
        seconds = []
        for _ in range(args.reps):
            start = time.perf_counter()
            repr(t)
            seconds.append(time.perf_counter() - start)
        result["seconds_" + name] = seconds
        result["chars_" + name] = len(repr(t))
        del t
    result["large_elements"] = side * side
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("workload", choices=["train", "mcdropout", "format", "blas"])
    parser.add_argument("variant", nargs="?", default="pytorch")
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--model", default="imdb", choices=["imdb", "mnist"])
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--samples", type=int, default=0)
    parser.add_argument("--passes", type=int, default=50)
    parser.add_argument("--images", type=int, default=1000)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=1, help="format: calls before the timed ones")
    parser.add_argument("--large", type=int, default=100_000_000)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    if args.workload == "blas":
        # Which BLAS torch got: the driver checks that LD_LIBRARY_PATH put OpenBLAS in front of the reference BLAS.
        a = torch.rand(1024, 1024)
        start = time.perf_counter()
        for _ in range(5):
            a @ a
        libs = [line.split()[-1] for line in open("/proc/self/maps", encoding="ascii") if "blas" in line.lower()]
        result = {"matmul_1024_seconds": (time.perf_counter() - start) / 5, "blas_libraries": sorted(set(libs))}
    else:
        result = {"train": train, "mcdropout": mcdropout, "format": formatting}[args.workload](args)
    result["threads"] = torch.get_num_threads()
    result["torch"] = torch.__version__
    result["peak_rss_kb"] = status_kb("VmHWM")
    print("RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
