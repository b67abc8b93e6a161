"""Profile behind row 1 (MNIST CNN epoch, NotebookNN and the hand loop slower than PyTorch): the CNN's layers one
by one, then a whole forward pass and a training step, on one batch of 128, 2 threads. cnn_ops.dib is the same in
TorchSharp; compare the two outputs line by line.
Usage: LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp /usr/bin/python3 benchmarks/profiles/cnn_ops.py"""
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(2)
torch.manual_seed(1)
x = torch.rand(128, 1, 28, 28)
c1, c2 = nn.Conv2d(1, 8, 3), nn.Conv2d(8, 16, 3)
l1, l2 = nn.Linear(2304, 32), nn.Linear(32, 10)
h1 = F.relu(c1(x))
h2 = F.relu(c2(h1))
p = F.max_pool2d(h2, 2).flatten(1)
y = torch.randint(0, 10, (128,))


def timed(name, f, n=300):
    for _ in range(20):
        f()
    start = time.perf_counter()
    for _ in range(n):
        f()
    print(f"{name} {1000 * (time.perf_counter() - start) / n:.3f} ms", flush=True)


with torch.no_grad():
    timed("conv1 fwd", lambda: c1(x))
    timed("conv2 fwd", lambda: c2(h1))
    timed("maxpool fwd", lambda: F.max_pool2d(h2, 2))
    timed("linear1 fwd", lambda: l1(p))
    timed("relu conv2-out", lambda: F.relu(h2))
net = nn.Sequential(c1, nn.ReLU(), c2, nn.ReLU(), nn.MaxPool2d(2), nn.Dropout(0.25), nn.Flatten(), l1, nn.ReLU(),
                    nn.Dropout(0.5), l2)
optimizer = torch.optim.Adam(net.parameters(), lr=0.001)


def step():
    optimizer.zero_grad()
    F.cross_entropy(net(x), y).backward()
    optimizer.step()


with torch.no_grad():
    timed("net fwd", lambda: net(x))
timed("net fwd+bwd+step", step, 100)
