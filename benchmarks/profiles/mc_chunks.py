"""Profile behind row 3 (MC dropout, batched slower than looped on CPU): the same CNN forward over the same
T x N rows, cut into chunks of different sizes. If the time grows with the chunk size, bigger batched calls lose
on CPU because the activations of one call no longer fit the caches.
Usage: /usr/bin/python3 benchmarks/profiles/mc_chunks.py [IMAGES]  (run with the peer's environment, see bench.py)."""
import sys
import time

import torch

sys.path.insert(0, __import__("os").path.join(__import__("os").path.dirname(__file__), ".."))
import peer  # noqa: E402

torch.set_num_threads(int(__import__("os").cpu_count() or 1))
torch.manual_seed(1)
images = int(sys.argv[1]) if len(sys.argv) > 1 else 200
x, _ = peer.mnist("test", images)
net = peer.mnist_cnn()
net.train()
rows = x.repeat(50, 1, 1, 1)
for chunk in (200, 1000, 3334, 10000) * 2:
    with torch.no_grad():
        start = time.perf_counter()
        for first in range(0, rows.shape[0], chunk):
            net(rows[first:first + chunk])
        # activation bytes of one call: conv_1 and conv_2 outputs dominate (8x26x26 + 16x24x24 floats per row)
        print(f"rows per call {chunk:6d}: {time.perf_counter() - start:7.3f} s for {rows.shape[0]} rows, "
              f"~{chunk * (8 * 26 * 26 + 16 * 24 * 24) * 4 / 2**20:.0f} MiB of conv activations per call", flush=True)
