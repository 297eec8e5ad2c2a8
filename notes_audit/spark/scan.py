"""`notes-audit scan --engine spark`: the same scan, with extraction and audit run by Spark.

The driver reads and validates the inputs with the project's readers (so rejections, counts and
messages are the local engine's), stages them as Parquet, runs `audit_dataframes` on a local
session, and streams the finding rows back in input order into the same writers. The findings
are identical to the local engine's (tests/spark checks it on the demo corpus).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from notes_audit.audit.engine import Auditor
from notes_audit.audit.linker import needed_note_ids
from notes_audit.findings.model import LineResult
from notes_audit.parallel.extract import available_cores
from notes_audit.parallel.plan import ClaimPlan
from notes_audit.read.claims import read_claims
from notes_audit.read.notes import read_notes
from notes_audit.read.roster import read_roster_checked
from notes_audit.rules.policy import Policy, load_policy
from notes_audit.scan import PreparedScan
from notes_audit.spark.results import result_of_row
from notes_audit.spark.session import import_pyspark, local_session
from notes_audit.spark.staging import stage_claims, stage_notes


def prepare_spark_scan(notes: Path, claims: Path, roster: Path | None = None,
                       policy: str | Path | Policy = "medicare", lookback_days: int = 365, *,
                       keep_texts: bool = False, cores: int | None = None, spark=None,
                       include_text: bool = True) -> PreparedScan:
    """Read and stage the inputs; `iter_results()` runs the Spark job and yields results in input
    order. Without `spark` (and no session active in this process), a local session (`local[cores]`)
    is started for the run and stopped after it."""
    import_pyspark()  # fail before reading anything when pyspark is missing
    pol = load_policy(policy)
    claims_read = read_claims(claims)
    roster_read = read_roster_checked(roster) if roster else None
    roster_entries = roster_read.entries if roster_read else None
    Auditor(pol, roster_entries, lookback_days)  # refuses a negative lookback before any work
    lines = claims_read.lines
    plan = ClaimPlan(lines, pol, lookback_days)

    staging = Path(tempfile.mkdtemp(prefix="notes-audit-spark-"))  # 0700: it will hold note text
    try:
        reader = read_notes(notes)
        texts: dict[str, str] | None = {} if keep_texts else None
        refs = stage_notes(reader.read(), plan, staging / "notes.parquet", texts)
        stage_claims(lines, staging / "claims.parquet")
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    # The same claim-driven choice the partitions make, for the counts and the HTML texts.
    needed = needed_note_ids(lines, refs, lookback_days, pol)

    def iter_results() -> Iterator[LineResult]:
        from notes_audit.spark.frames import audit_dataframes

        from pyspark.sql import SparkSession

        # A session already running in this process (a notebook, a test) is used and left running.
        session = spark or SparkSession.getActiveSession()
        owned = session is None
        if owned:
            session = local_session(cores)
        try:
            findings = audit_dataframes(session.read.parquet(str(staging / "notes.parquet")),
                                        session.read.parquet(str(staging / "claims.parquet")),
                                        roster_entries, policy=pol, lookback_days=lookback_days,
                                        include_text=include_text)
            # Sorting samples its input first: keep the audited rows so the NLP runs once.
            findings = findings.persist()
            for row in findings.orderBy("input_index").toLocalIterator():
                yield result_of_row(row.asDict(), lines)
        finally:
            if owned:
                session.stop()
            shutil.rmtree(staging, ignore_errors=True)

    kept = {k: v for k, v in (texts or {}).items() if k in needed}
    return PreparedScan(pol, claims_read.rows_read, claims_read.rejected, reader.rows_read, list(reader.rejected),
                        len(needed), iter_results, kept, workers_used=cores or available_cores(), engine="spark",
                        roster_read=roster_read.rows_read if roster_read else None,
                        roster_rejected=list(roster_read.rejected) if roster_read else [])
