"""Clocks and memory readings for the bench."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Timed:
    seconds: float  # wall clock
    cpu_seconds: float  # this process's CPU time (user + system)
    value: Any = None
    children_cpu_seconds: float = 0.0  # CPU time of worker processes that ended meanwhile

    def rate(self, count: int) -> float:
        return count / self.seconds if self.seconds > 0 else float("inf")


def timed(fn: Callable[[], Any]) -> Timed:
    before, wall = os.times(), time.perf_counter()
    value = fn()
    seconds, after = time.perf_counter() - wall, os.times()
    return Timed(seconds, (after.user + after.system) - (before.user + before.system), value,
                 (after.children_user + after.children_system) - (before.children_user + before.children_system))


def best_of(runs: int, measure: Callable[[], Timed]) -> Timed:
    """The fastest of `runs` measurements: on a shared machine other jobs only ever add time, so
    the minimum is the closest to the code's own cost."""
    return min((measure() for _ in range(max(1, runs))), key=lambda t: t.seconds)


def peak_rss_mb() -> float:
    """This process's peak resident set so far (Linux reports ru_maxrss in KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_peak_rss_mb(argv: Sequence[str]) -> tuple[float, float]:
    """Run `argv` and return (its peak RSS in MB from wait4's rusage, wall seconds). Raises on a
    non-zero exit."""
    start = time.perf_counter()
    with subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) as proc:
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        stderr = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    if proc.returncode != 0:
        raise RuntimeError(f"{argv[2:4]} exited {proc.returncode}: {stderr[-500:]}")
    return usage.ru_maxrss / 1024, time.perf_counter() - start


def python_module(*args: str) -> list[str]:
    return [sys.executable, "-m", *args]
