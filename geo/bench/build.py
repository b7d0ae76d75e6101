"""Benchmark of the full build from the mirror: wall time and peak memory (RSS).

Each build runs in a fresh child process (imports included, as ``zonage data build`` does),
writing into a temporary folder. The child reports its own peak RSS; the parent also reads
the peak of its waited children (``RUSAGE_CHILDREN``) as a cross-check.
Target: ≤ 20 s and ≤ 1.5 GB peak memory on 2 cores.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from geo import settings

RUNS = 2
_CHILD = """
import json, resource, sys, time
t0 = time.perf_counter()
from geo.build import build
t1 = time.perf_counter()
result = build(mirror=sys.argv[1], out_dir=sys.argv[2], progress=None)
t2 = time.perf_counter()
print(json.dumps({
    "import_s": t1 - t0,
    "build_s": t2 - t1,
    "maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    "communes": result.report["resume"]["communes"],
}))
"""


def run(out: Callable[[str], None]) -> None:
    """Build ``RUNS`` times from the mirror and print time and peak memory of each run."""
    mirror = settings.MIRROR_DIR
    if not mirror.is_dir():
        out(f"mirror not found at {mirror}: set ZONAGE_MIRROR")
        return
    out(f"mirror: {mirror}; cpus: {os.cpu_count()}; runs: {RUNS} (fresh process each)")
    worst_wall, worst_rss = 0.0, 0
    for i in range(1, RUNS + 1):
        with tempfile.TemporaryDirectory(prefix="zonage-bench-") as tmp:
            start = time.perf_counter()
            proc = subprocess.run(
                [sys.executable, "-c", _CHILD, str(mirror), str(Path(tmp) / "build")],
                capture_output=True,
                text=True,
                check=False,
            )
            wall = time.perf_counter() - start
        if proc.returncode != 0:
            out(f"run {i}: build failed: {proc.stderr.strip().splitlines()[-1:]}")
            return
        figures = json.loads(proc.stdout.strip().splitlines()[-1])
        rss_mb = figures["maxrss_kib"] / 1024
        worst_wall, worst_rss = max(worst_wall, wall), max(worst_rss, figures["maxrss_kib"])
        out(
            f"run {i}: wall {wall:.2f} s (imports {figures['import_s']:.2f} s, build "
            f"{figures['build_s']:.2f} s), peak RSS {rss_mb:.0f} MB, "
            f"{figures['communes']} communes"
        )
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    out(
        f"worst: wall {worst_wall:.2f} s (target ≤ 20 s), peak RSS {worst_rss / 1024:.0f} MB "
        f"(target ≤ 1536 MB); RUSAGE_CHILDREN peak {children:.0f} MB"
    )
