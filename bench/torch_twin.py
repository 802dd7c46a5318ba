#!/usr/bin/python3
"""PyTorch twin of @proj/core's benchmark (packages/core/bench/run.mjs).

Same workloads under the same case names: matmuls, a 3x3 conv's forward,
input gradient and weight gradient, and one Adam training step of the
core-mnist CNN and of a CIFAR-sized CNN, batch 64. tfjs's NHWC tensors become
PyTorch's NCHW ones with the same sizes, so every case does the same FLOPs
(counted as in packages/core/bench/cases.mjs: 2 per multiply-add, conv and
dense layers only; a training step is forward + weight grads + input grads of
all layers but the first).

Timing follows packages/core/bench/timing.mjs: one run; if it took over 3 s it
is the only sample, else a warm-up of 0.5 s (at least 1, at most 200 runs;
--quick: 0.15 s) and then 3..9 timed runs within a ~4 s budget (--quick: 2..4
runs, ~0.8 s); median and min are reported.

    apt-get install -y python3-torch libopenblas0-pthread
    /usr/bin/python3 bench/torch_twin.py [--threads 2] [--quick] [--json] [--cases a,b]

OPENBLAS_CORETYPE is left as the environment sets it and printed.
"""
import argparse
import json
import os
import re
import statistics
import sys
import time

SLOW_MS = 3000.0
MAX_WARMUP_RUNS = 200
TIMING = {
    "full": {"min_reps": 3, "max_reps": 9, "budget_ms": 4000.0, "warmup_ms": 500.0},
    "quick": {"min_reps": 2, "max_reps": 4, "budget_ms": 800.0, "warmup_ms": 150.0},
}
BATCH = 64

# (type, n, ho, wo, co, kh, kw, ci) for conv; (type, n, in, out) for dense.
MNIST_LAYERS = [
    ("conv", BATCH, 14, 14, 16, 5, 5, 1),
    ("conv", BATCH, 7, 7, 32, 5, 5, 16),
    ("dense", BATCH, 7 * 7 * 32, 10),
]
CIFAR_LAYERS = [
    ("conv", BATCH, 32, 32, 32, 3, 3, 3),
    ("conv", BATCH, 16, 16, 64, 3, 3, 32),
    ("dense", BATCH, 8 * 8 * 64, 10),
]


def step_flops(layers):
    macs = []
    for layer in layers:
        if layer[0] == "conv":
            _, n, ho, wo, co, kh, kw, ci = layer
            macs.append(n * ho * wo * co * kh * kw * ci)
        else:
            _, n, fan_in, fan_out = layer
            macs.append(n * fan_in * fan_out)
    fwd = sum(macs)
    return 2 * fwd + 2 * fwd + 2 * (fwd - macs[0])


CONV_FLOPS = 2 * 64 * 16 * 16 * 64 * 3 * 3 * 32
CASES = [
    ("matmul_512", "matmul 512x512 @ 512x512", 2 * 512**3),
    ("matmul_1024", "matmul 1024x1024 @ 1024x1024", 2 * 1024**3),
    ("matmul_16384x288x64", "matmul 16384x288 @ 288x64", 2 * 16384 * 288 * 64),
    ("conv_fwd", "conv2d fwd [64,32,16,16]*64x32x3x3", CONV_FLOPS),
    ("conv_dgrad", "conv2d input grad", CONV_FLOPS),
    ("conv_wgrad", "conv2d weight grad", CONV_FLOPS),
    ("mnist_step", "core-mnist CNN train step b64", step_flops(MNIST_LAYERS)),
    ("cifar_step", "CIFAR CNN train step b64", step_flops(CIFAR_LAYERS)),
]


def machine_peak(cores):
    """Same formula and assumptions as packages/core/bench/machine.mjs."""
    text = ""
    try:
        with open("/proc/cpuinfo") as f:
            text = f.read()
    except OSError:
        pass

    def field(name):
        m = re.search(r"^%s\s*:\s*(.*)$" % re.escape(name), text, re.M)
        return m.group(1).strip() if m else None

    flags = set((field("flags") or "").split())
    mhz = float(field("cpu MHz") or 0.0)
    if "avx512f" in flags:
        isa, lanes = "avx512f", 16
    elif "avx2" in flags or "avx" in flags:
        isa, lanes = ("avx2" if "avx2" in flags else "avx"), 8
    elif "sse" in flags:
        isa, lanes = "sse", 4
    else:
        isa, lanes = "scalar", 1
    units = int(os.environ.get("PROJ_BENCH_FMA_UNITS", "2") or 2)
    per_cycle = units * lanes * 2
    gflops = cores * mhz * per_cycle / 1000.0
    text_out = (
        f"peak {gflops:.1f} GFLOP/s fp32 = {cores} cores x {mhz / 1000:.3f} GHz (/proc/cpuinfo 'cpu MHz') x "
        f"{per_cycle} FLOP/cycle ({units} FMA units assumed x {lanes} lanes {isa} x 2)"
    )
    return {"gflops": gflops, "assumption": text_out}


def time_it(once, timing):
    def clock():
        t0 = time.perf_counter()
        once()
        return (time.perf_counter() - t0) * 1000.0

    first = clock()
    if first > SLOW_MS:
        return [first]
    warm, runs = clock(), 1
    while warm < timing["warmup_ms"] and runs < MAX_WARMUP_RUNS:
        warm += clock()
        runs += 1
    samples, spent = [], 0.0
    while len(samples) < timing["max_reps"] and (len(samples) < timing["min_reps"] or spent < timing["budget_ms"]):
        t = clock()
        samples.append(t)
        spent += t
    return samples


def make_case(torch, name):
    """Returns a thunk running case `name` once."""
    import torch.nn as nn
    import torch.nn.functional as F

    g = torch.Generator().manual_seed(1)

    def rand(*shape):
        return torch.rand(*shape, generator=g) * 2 - 1

    if name.startswith("matmul_"):
        m, k, n = {"matmul_512": (512, 512, 512), "matmul_1024": (1024, 1024, 1024), "matmul_16384x288x64": (16384, 288, 64)}[name]
        a, b = rand(m, k), rand(k, n)
        return lambda: torch.mm(a, b)

    if name.startswith("conv_"):
        x = rand(64, 32, 16, 16)  # NCHW of tfjs's [64,16,16,32]
        w = rand(64, 32, 3, 3)  # OIHW of tfjs's [3,3,32,64]
        dy = rand(64, 64, 16, 16)
        if name == "conv_fwd":
            return lambda: F.conv2d(x, w, padding=1)
        mask = [True, False, False] if name == "conv_dgrad" else [False, True, False]
        pick = 0 if name == "conv_dgrad" else 1
        if hasattr(torch.ops.aten, "convolution_backward"):
            # The kernel autograd calls for conv2d's backward, without the forward.
            return lambda: torch.ops.aten.convolution_backward(
                dy, x, w, None, [1, 1], [1, 1], [1, 1], False, [0, 0], 1, mask
            )[pick]
        if name == "conv_dgrad":
            return lambda: torch.nn.grad.conv2d_input(x.shape, w, dy, padding=1)
        return lambda: torch.nn.grad.conv2d_weight(x, w.shape, dy, padding=1)

    if name == "mnist_step":
        # tfjs 'same' with stride 2 on 28 -> 14 -> 7; padding 2 gives the same sizes.
        model = nn.Sequential(
            nn.Conv2d(1, 16, 5, stride=2, padding=2), nn.ReLU(),
            nn.Conv2d(16, 32, 5, stride=2, padding=2), nn.ReLU(),
            nn.Flatten(), nn.Linear(7 * 7 * 32, 10),
        )
        x = rand(BATCH, 1, 28, 28)
    elif name == "cifar_step":
        model = nn.Sequential(
            nn.Conv2d(3, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(8 * 8 * 64, 10),
        )
        x = rand(BATCH, 3, 32, 32)
    else:
        raise ValueError(f"unknown case {name}")
    y = torch.tensor([(i * 7 + 1) % 10 for i in range(BATCH)])
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss

    return step


def fmt_ms(ms):
    if ms >= 10000:
        return f"{ms / 1000:.1f} s"
    if ms >= 100:
        return f"{ms:.0f}"
    if ms >= 10:
        return f"{ms:.1f}"
    return f"{ms:.2f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--threads", type=int, default=2, help="torch.set_num_threads (default 2, as ours)")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--json", action="store_true", help="one JSON object as the last stdout line")
    ap.add_argument("--cases", default=None, help="comma-separated case names")
    args = ap.parse_args()
    if args.threads < 1:
        ap.error("--threads must be >= 1")
    names = [c[0] for c in CASES]
    wanted = names if not args.cases else [s.strip() for s in args.cases.split(",") if s.strip()]
    bad = [n for n in wanted if n not in names]
    if bad:
        ap.error(f"unknown case(s) {', '.join(bad)}; use some of {', '.join(names)}")

    try:
        import torch
    except ImportError as e:
        sys.exit(
            f"torch_twin: cannot import torch with {sys.executable} ({e}); "
            "apt-get install -y python3-torch libopenblas0-pthread and run with /usr/bin/python3"
        )
    torch.set_num_threads(args.threads)
    timing = TIMING["quick" if args.quick else "full"]
    peak = machine_peak(os.cpu_count() or 1)

    results = []
    t_start = time.perf_counter()
    for name, label, flops in CASES:
        if name not in wanted:
            continue
        try:
            run = make_case(torch, name)
            with torch.no_grad() if not name.endswith("_step") else torch.enable_grad():
                samples = time_it(run, timing)
            med, mn = statistics.median(samples), min(samples)
            results.append({"name": name, "status": "ok", "samples": samples, "median_ms": med, "min_ms": mn})
            print(f"[torch] {name}: median {med:.2f} ms, min {mn:.2f} ms over {len(samples)}", file=sys.stderr)
        except Exception as e:  # report and go on with the other cases
            results.append({"name": name, "status": "error", "note": f"{type(e).__name__}: {e}"})
            print(f"[torch] {name}: error {e}", file=sys.stderr)
    seconds = time.perf_counter() - t_start

    info = {
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "interop_threads": torch.get_num_interop_threads(),
        "mkldnn": bool(torch.backends.mkldnn.is_available()),
        "cpu_capability": next((l.split(":", 1)[1].strip() for l in torch.__config__.show().splitlines()
                                if "CPU capability usage" in l), None),
        "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE"),
        "python": sys.executable,
    }
    lines = [
        f"PyTorch twin{' --quick' if args.quick else ''}: torch {info['torch']}, {info['threads']} threads, "
        f"mkldnn {info['mkldnn']}, ISA {info['cpu_capability']}, OPENBLAS_CORETYPE={info['OPENBLAS_CORETYPE'] or '(unset)'}, {seconds:.0f} s",
        peak["assumption"],
        "",
    ]
    rows = [("case", "GFLOP", "median ms", "min ms", "reps", "GFLOP/s", "% peak")]
    by_name = {r["name"]: r for r in results}
    for name, label, flops in CASES:
        r = by_name.get(name)
        if r is None:
            continue
        if r["status"] != "ok":
            rows.append((label, f"{flops / 1e9:.3f}", r["status"], "", "", "", ""))
            continue
        g = flops / r["median_ms"] / 1e6
        rows.append((label, f"{flops / 1e9:.3f}", fmt_ms(r["median_ms"]), fmt_ms(r["min_ms"]), str(len(r["samples"])),
                     f"{g:.2f}", f"{100 * g / peak['gflops']:.1f}%"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for k, row in enumerate(rows):
        lines.append("  ".join(c.ljust(widths[i]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(row)))
        if k == 0:
            lines.append("  ".join("-" * w for w in widths))
    errors = [f"  {r['name']}: {r['note']}" for r in results if r["status"] != "ok"]
    if errors:
        lines += ["", "errors:"] + errors
    print("\n".join(lines))
    if args.json:
        print(json.dumps({"bench": "torch", "quick": args.quick, "seconds": seconds, "info": info, "peak": peak,
                          "flops": {n: f for n, _, f in CASES}, "results": results}))


if __name__ == "__main__":
    main()
