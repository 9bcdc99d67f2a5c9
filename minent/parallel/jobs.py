"""How many worker processes or threads a command uses (one rule for every command)."""

from __future__ import annotations

import os


def default_jobs() -> int:
    """Workers when ``jobs`` is not given: the CPUs this process may use (its affinity mask,
    which container limits and ``taskset`` set), else the machine's CPU count."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1
