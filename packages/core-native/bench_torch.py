#!/usr/bin/python3
"""PyTorch CPU reference timings for the shapes of bench.mjs.

Run with Debian's python3-torch: /usr/bin/python3 bench_torch.py [--json]
Uses torch.set_num_threads(2) (override with --threads N) and keeps
OPENBLAS_CORETYPE from the environment, as bench.mjs does.
"""
import json
import os
import statistics
import sys
import time

import torch
import torch.nn.functional as F
from torch.nn.grad import conv2d_input, conv2d_weight

threads = 2
if "--threads" in sys.argv:
    threads = int(sys.argv[sys.argv.index("--threads") + 1])
torch.set_num_threads(threads)
as_json = "--json" in sys.argv
channels_last = "--channels-last" in sys.argv
# --min: fastest repetition instead of the median (steadier on a busy machine)
use_min = "--min" in sys.argv


def timeit(fn, warmup=3, min_reps=10, min_s=1.0):
    """Median wall time of fn() in ms."""
    for _ in range(warmup):
        fn()
    ts = []
    start = time.perf_counter()
    while len(ts) < min_reps or time.perf_counter() - start < min_s:
        t0 = time.perf_counter()
        fn()
        ts.append((time.perf_counter() - t0) * 1e3)
        if len(ts) >= 1000:
            break
    return min(ts) if use_min else statistics.median(ts)


rows = []


def report(name, flops, ms):
    rows.append({"name": name, "ms": ms, "gflops": flops / ms / 1e6})
    if not as_json:
        print(f"{name:<44} {ms:9.3f} ms {flops / ms / 1e6:8.1f} GFLOP/s")


if not as_json:
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}, "
          f"mkldnn {torch.backends.mkldnn.is_available()}, "
          f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset)')}"
          + (", channels_last" if channels_last else ""))

torch.manual_seed(0)
with torch.no_grad():
    for M, N, K in [(16384, 64, 288), (512, 512, 512), (1024, 1024, 1024)]:
        a = torch.rand(M, K) - 0.5
        b = torch.rand(K, N) - 0.5
        c = torch.empty(M, N)
        report(f"sgemm {M}x{K} * {K}x{N}", 2 * M * N * K,
               timeit(lambda: torch.mm(a, b, out=c)))

    N, H, W, Ci, Co, k = 64, 16, 16, 32, 64, 3
    fmt = torch.channels_last if channels_last else torch.contiguous_format
    x = (torch.rand(N, Ci, H, W) - 0.5).contiguous(memory_format=fmt)
    w = (torch.rand(Co, Ci, k, k) - 0.5).contiguous(memory_format=fmt)
    dy = (torch.rand(N, Co, H, W) - 0.5).contiguous(memory_format=fmt)
    flops = 2 * N * H * W * Co * Ci * k * k
    tag = f"[{N},{H},{W},{Ci}] 3x3x{Co} same"
    report(f"conv2d {tag}", flops, timeit(lambda: F.conv2d(x, w, padding=1)))
    report(f"conv2dBackpropInput {tag}", flops,
           timeit(lambda: conv2d_input(x.shape, w, dy, padding=1)))
    report(f"conv2dBackpropFilter {tag}", flops,
           timeit(lambda: conv2d_weight(x, w.shape, dy, padding=1)))

if as_json:
    print(json.dumps({"torch": torch.__version__, "threads": threads,
                      "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE"),
                      "rows": rows}))
