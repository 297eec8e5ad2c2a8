"""The machine a bench ran on: numbers mean little without it."""

from __future__ import annotations

import os
import platform
import sys
from importlib import metadata

from notes_audit.parallel.extract import available_cores


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def memory_gb() -> float | None:
    try:
        return round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1e9, 1)
    except (ValueError, OSError, AttributeError):
        return None


def load_average() -> float | None:
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


def describe() -> dict:
    versions = {}
    for package in ("spacy", "medspacy", "pyspark"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    return {"cores": available_cores(), "cpu_count": os.cpu_count(), "cpu_model": cpu_model(),
            "memory_gb": memory_gb(), "load_average_1min": load_average(), "os": platform.platform(),
            "python": sys.version.split()[0], **versions}
