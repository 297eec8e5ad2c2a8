"""A local Spark session that stays on this machine: bound to 127.0.0.1, no UI, small shuffles.

Used by `notes-audit scan --engine spark` and the tests; on a cluster, pass your own session's
DataFrames to `audit_dataframes` instead.
"""

from __future__ import annotations

import os
import sys
import warnings
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

LOOPBACK = "127.0.0.1"


def import_pyspark() -> None:
    """Import pyspark or say how to get it (exit 2 through InputError, not a traceback)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pyspark warns about pandas versions on import
            import pyspark.sql  # noqa: F401
    except ImportError:
        from notes_audit.errors import InputError

        raise InputError("--engine spark needs pyspark: pip install 'notes-audit[spark]' (and Java 17+)") from None


def local_session(cores: int | None = None, shuffle_partitions: int | None = None,
                  app_name: str = "notes-audit") -> SparkSession:
    """`local[cores]` (all cores when None), loopback only, UI off, quiet logs."""
    import_pyspark()
    from pyspark.sql import SparkSession

    # The JVM and the Python workers must never listen on a public interface.
    os.environ["SPARK_LOCAL_IP"] = LOOPBACK
    # Executors' Python is this interpreter (the venv holding notes_audit and spaCy).
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    threads = str(cores) if cores else "*"
    partitions = shuffle_partitions or 2 * (cores or os.cpu_count() or 1)
    spark = (SparkSession.builder.master(f"local[{threads}]").appName(app_name)
             .config("spark.driver.host", LOOPBACK)
             .config("spark.driver.bindAddress", LOOPBACK)
             .config("spark.ui.enabled", "false")
             .config("spark.ui.showConsoleProgress", "false")
             .config("spark.sql.shuffle.partitions", str(partitions))
             .config("spark.default.parallelism", str(partitions))
             .config("spark.python.worker.reuse", "true")  # one spaCy pipeline per worker, kept
             .config("spark.sql.session.timeZone", "UTC")
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    return spark
