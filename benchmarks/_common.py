"""Helpers shared by the benchmark scripts: locating ../shared data, timing subprocesses with the
peak RSS of their whole process tree, and printing small tables."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"


def shared_data_or_exit() -> Path:
    if not SHARED_DATA.is_dir():
        print(f"skipped: {SHARED_DATA} is not present", file=sys.stderr)
        sys.exit(0)
    return SHARED_DATA


def _high_water_mark(pid: int) -> int:
    """The kernel's peak RSS of process *pid* so far (VmHWM, bytes; 0 where /proc has none): a
    peak shorter than the sampling interval still counts."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _pss(p) -> int:
    """PSS of the psutil process *p* (its RSS where the system has no PSS: not Linux)."""
    return getattr(p.memory_full_info(), "pss", None) or p.memory_info().rss


def run_measured(cmd: list[str], *, stdout=subprocess.DEVNULL, env=None, stdin=None, stderr=None,
                 cwd=None, shared_once: bool = False) -> tuple[float, float]:
    """Run *cmd* (in *cwd*, default the project root); return (wall seconds, peak RSS in MiB):
    the largest sum of the RSS of the process and all its descendants seen (sampled every 50 ms),
    or the process's own kernel-kept peak if larger. With *shared_once*, the sum is of their PSS
    (proportional set size: a page shared by k processes counts 1/k in each) where the system
    gives it: forked workers share their parent's pages (a loaded model) copy-on-write, and a
    sum of RSS counts those pages once per process."""
    import psutil

    full_env = dict(os.environ, PYTHONPATH=str(ROOT))
    if env:
        full_env.update(env)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=stdout, stdin=stdin, stderr=stderr, env=full_env, cwd=cwd or ROOT)
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        try:
            root = psutil.Process(proc.pid)
        except psutil.NoSuchProcess:
            return
        while not stop.is_set():
            try:
                procs = [root] + root.children(recursive=True)
                rss = 0
                for p in procs:
                    try:
                        rss += _pss(p) if shared_once else p.memory_info().rss
                    except psutil.NoSuchProcess:
                        pass
                peak = max(peak, rss, _high_water_mark(proc.pid))
            except psutil.NoSuchProcess:
                return
            time.sleep(0.05)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    rc = proc.wait()
    elapsed = time.perf_counter() - start
    stop.set()
    t.join()
    if rc != 0:
        raise RuntimeError(f"{cmd} exited with {rc}")
    return elapsed, peak / 2**20


def print_table(header: list[str], rows: list[list]) -> None:
    cells = [header] + [[f"{c:.2f}" if isinstance(c, float) else str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    for j, r in enumerate(cells):
        print("  ".join(c.rjust(w) for c, w in zip(r, widths)))
        if j == 0:
            print("  ".join("-" * w for w in widths))
