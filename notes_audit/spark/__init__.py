"""Run the audit on Spark (optional extra `spark`; pyspark is imported only when used).

- `audit_dataframes(notes_df, claims_df, roster_df=None, policy=..., lookback_days=...)` -> a
  findings DataFrame, one row per claim line (columns in `notes_audit.spark.schema`);
- `local_session(cores)`: a loopback-only local session;
- `notes-audit scan --engine spark` uses both.
"""

from __future__ import annotations

from typing import Any

_LAZY = {
    "audit_dataframes": "notes_audit.spark.frames",
    "local_session": "notes_audit.spark.session",
    "prepare_spark_scan": "notes_audit.spark.scan",
}

__all__ = list(_LAZY)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'notes_audit.spark' has no attribute '{name}'")
    import importlib

    return getattr(importlib.import_module(module), name)
