"""minent hsic vs hyppo's Hsic, side by side: time and peak memory for the same statistic.

    python -m benchmarks.bench_hsic                 # n = 1000, 5000, 10000 + gamma test + 1e6
    python -m benchmarks.bench_hsic --sizes 1000 --skip-large

The same statistic: hyppo's ``Hsic().statistic(x, y)`` is the normalised unbiased HSIC
HSIC_u(x, y) / sqrt(HSIC_u(x, x) HSIC_u(y, y)) with one Gaussian width for both sides, the
median pairwise distance of x (it U-centres 1 - K, and U-centring removes the constant).
minent computes exactly that with ``hsic(..., estimator="unbiased", normalize=True)`` (one
pass over the pairs gives the three HSICs) and the script checks that both agree to 1e-8
before timing.  Each (library, n) runs in its own
subprocess after a warm-up (numba compilation excluded for both), so its peak RSS
(ru_maxrss) is its own; "algo MB" is the peak minus the RSS after imports and warm-up.
Times are the best of --repeat runs (wall clock) plus the process CPU time of that run;
on a shared machine compare the ratios, not the absolute numbers.
Rows "gamma n=10000" (target < 2 s) and "rff n=1000000" (target < 15 s) time minent alone.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _data(n: int, seed: int = 0):
    import numpy as np

    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 1))
    y = x**2 + 0.5 * rng.normal(size=(n, 1))
    return x, y


def _minent_same_statistic(x, y):
    from minent.estimators.hsic import hsic, median_pair_distance

    s = median_pair_distance(x)  # hyppo's width: x's median distance, for both sides
    return hsic(x, y, sigma_x=s, sigma_y=s, estimator="unbiased", normalize=True, test="none").statistic


def _hyppo_statistic(x, y):
    from hyppo.independence import Hsic

    return Hsic().statistic(x, y)


def worker(kind: str, n: int, repeat: int) -> dict:
    """Run one measurement in this process and return its numbers."""
    import numpy as np

    x, y = _data(n)
    wx, wy = _data(60, seed=1)
    if kind == "minent":
        fn = lambda: _minent_same_statistic(x, y)  # noqa: E731
        _minent_same_statistic(wx, wy)
        # small inputs run single-threaded: also warm the parallel path (thread pool)
        _minent_same_statistic(*_data(2500, seed=1))
    elif kind == "hyppo":
        fn = lambda: _hyppo_statistic(x, y)  # noqa: E731
        _hyppo_statistic(wx, wy)
    elif kind == "gamma":
        from minent.estimators.hsic import hsic

        fn = lambda: hsic(x, y, test="gamma").pvalue  # noqa: E731
        hsic(wx, wy, test="gamma")
    elif kind == "rff":
        from minent.estimators.hsic import hsic

        fn = lambda: hsic(x, y, test="gamma").statistic  # noqa: E731  (auto -> rff at this n)
        hsic(wx, wy, test="gamma", approx="rff")
    else:
        raise SystemExit(f"unknown worker {kind}")
    base = _rss_mb()
    best = None
    for _ in range(repeat):
        c0, t0 = time.process_time(), time.perf_counter()
        value = fn()
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        if best is None or wall < best[0]:
            best = (wall, cpu)
    return {"kind": kind, "n": n, "wall": best[0], "cpu": best[1], "value": float(value),
            "peak_mb": _peak_mb(), "algo_mb": _peak_mb() - base, "nthreads": os.cpu_count()}


THREADS: int | None = None


def run(kind: str, n: int, repeat: int) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if THREADS:  # same thread budget for both libraries (numba, OpenMP, BLAS)
        for var in ("NUMBA_NUM_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            env[var] = str(THREADS)
    out = subprocess.run(
        [sys.executable, __file__, "--worker", kind, "--n", str(n), "--repeat", str(repeat)],
        capture_output=True, text=True, cwd=ROOT, env=env,
    )
    if out.returncode != 0:
        raise SystemExit(f"{kind} n={n} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 10000])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--skip-large", action="store_true", help="skip the gamma n=10000 and rff n=1e6 rows")
    ap.add_argument("--threads", type=int, help="thread budget for both libraries (default: all CPUs)")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--n", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.n, args.repeat)))
        return

    global THREADS
    THREADS = args.threads
    print(f"# minent hsic vs hyppo Hsic (same statistic); load average {os.getloadavg()[0]:.1f} on "
          f"{os.cpu_count()} CPUs; threads {THREADS or 'all'}")
    print("n\tminent_s\thyppo_s\tspeedup\tminent_cpu_s\thyppo_cpu_s\tminent_peak_MB\thyppo_peak_MB\tmem_ratio\tminent_algo_MB\thyppo_algo_MB\tabs_diff")
    for n in args.sizes:
        m = run("minent", n, args.repeat)
        h = run("hyppo", n, args.repeat if n <= 5000 else 1)
        diff = abs(m["value"] - h["value"])
        if diff > 1e-8:
            raise SystemExit(f"n={n}: statistics differ: minent {m['value']!r} hyppo {h['value']!r}")
        print(f"{n}\t{m['wall']:.3f}\t{h['wall']:.3f}\t{h['wall'] / m['wall']:.1f}x\t{m['cpu']:.3f}\t{h['cpu']:.3f}\t"
              f"{m['peak_mb']:.0f}\t{h['peak_mb']:.0f}\t{m['peak_mb'] / h['peak_mb']:.2f}\t"
              f"{m['algo_mb']:.0f}\t{h['algo_mb']:.0f}\t{diff:.1e}", flush=True)
    if not args.skip_large:
        print("\n# minent alone: targets gamma test n=10000 < 2 s, rff approximation n=1e6 < 15 s")
        print("row\twall_s\tcpu_s\tpeak_MB\tresult")
        g = run("gamma", 10_000, args.repeat)
        print(f"gamma n=10000\t{g['wall']:.3f}\t{g['cpu']:.3f}\t{g['peak_mb']:.0f}\tp={g['value']:.3g}", flush=True)
        r = run("rff", 1_000_000, 1)
        print(f"rff n=1000000\t{r['wall']:.3f}\t{r['cpu']:.3f}\t{r['peak_mb']:.0f}\tHSIC_b={r['value']:.5g}", flush=True)


if __name__ == "__main__":
    main()
