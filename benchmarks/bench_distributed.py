"""minent count on a Dask cluster vs the local process pool, side by side on the same corpus.

    python -m benchmarks.bench_distributed [--mb 50] [--jobs 2]

Corpus: the PKU raw texts and the hotel reviews from ../shared/data (bench_count.base_text),
repeated up to --mb megabytes in one file, which the Dask path splits into byte ranges.
Every case runs in its own process, end to end (start-up included):
  (a) minent count --jobs J                          (local process pool, the baseline)
  (b) minent count --scheduler local --jobs J        (starts a LocalCluster of J processes)
  (c) minent count --scheduler tcp://...             (a running `dask scheduler` + `dask worker
                                                      --nworkers J --nthreads 1`: a cluster's
                                                      steady state, no start-up; the workers'
                                                      memory is not in this process tree)
(a) runs again last; overhead = seconds / mean seconds of the two (a) runs − 1 (the machine may
be shared: compare within one run). The issue's budget is ≤ 25% for (b). The tables must be
byte-identical.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks._common import ROOT, print_table, run_measured, shared_data_or_exit  # noqa: E402
from benchmarks.bench_count import base_text  # noqa: E402


def start_cluster(tmp: Path, workers: int) -> tuple[str, list[subprocess.Popen]]:
    """Start `dask scheduler` and `dask worker` processes; return the address and the processes."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    dask = [sys.executable, "-m", "distributed.cli.dask_scheduler"]
    info = tmp / "scheduler.json"
    procs = [
        subprocess.Popen(
            [*dask, "--scheduler-file", str(info), "--port", "0", "--dashboard-address", ":0"],
            env=env, stderr=subprocess.DEVNULL,
        )
    ]
    deadline = time.time() + 60
    while not info.exists() and time.time() < deadline:
        time.sleep(0.2)
    address = json.loads(info.read_text())["address"]
    procs.append(
        subprocess.Popen(
            [sys.executable, "-m", "distributed.cli.dask_worker", "--scheduler-file", str(info),
             "--nworkers", str(workers), "--nthreads", "1", "--dashboard-address", ":0"],
            env=env, stderr=subprocess.DEVNULL,
        )
    )
    from distributed import Client

    with Client(address, timeout=60) as client:
        client.wait_for_workers(workers, timeout=120)
    return address, procs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=50, help="corpus size in MB (default 50)")
    ap.add_argument("--jobs", type=int, default=2, help="worker processes in every case (default 2)")
    args = ap.parse_args()
    data = shared_data_or_exit()
    unit = base_text(data).encode("utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        corpus = tmp / "corpus.txt"
        with open(corpus, "wb") as fh:
            for _ in range(max(1, round(args.mb * 2**20 / len(unit)))):
                fh.write(unit)
        mb = corpus.stat().st_size / 2**20
        j = str(args.jobs)
        count = [sys.executable, "-m", "minent", "count", str(corpus), "-q"]
        cases = [
            ("a", f"minent count --jobs {j}", [*count, "-j", j]),
            ("b", f"--scheduler local --jobs {j}", [*count, "--scheduler", "local", "-j", j]),
        ]
        address, procs = start_cluster(tmp, args.jobs)
        cases.append(("c", f"--scheduler tcp:// ({j} workers up)", [*count, "--scheduler", address]))
        # The machine is shared: run the baseline again last, and compare with the mean of both.
        cases.append(("a2", f"minent count --jobs {j} (again)", [*count, "-j", j]))
        results = {}
        try:
            for case, label, cmd in cases:
                out = tmp / f"{case}.tsv"
                seconds, rss = run_measured([*cmd, "-o", str(out)])
                results[case] = (label, seconds, rss, out.read_bytes())
                print(f"  ({case}) {label}: {seconds:.1f}s, peak RSS {rss:.0f} MiB", file=sys.stderr)
        finally:
            for p in reversed(procs):
                p.terminate()
            for p in procs:
                p.wait()
    base = (results["a"][1] + results["a2"][1]) / 2
    rows = [
        [f"({c}) {label}", seconds, mb / seconds, f"{100 * (seconds / base - 1):+.0f}%", f"{rss:.0f}",
         "yes" if table == results["a"][3] else "NO"]
        for c, (label, seconds, rss, table) in results.items()
    ]
    print(f"corpus: {mb:.1f} MB in one file, {os.cpu_count()} CPUs")
    print_table(["case", "seconds", "MB/s", "overhead vs mean (a)", "peak RSS MiB", "same table"], rows)


if __name__ == "__main__":
    main()
