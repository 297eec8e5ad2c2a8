"""The audit on Spark DataFrames: notes + claim lines (+ roster) in, one finding row per line out.

    from notes_audit.spark import audit_dataframes
    findings = audit_dataframes(notes_df, claims_df, roster_df, policy="medicare")
    findings.orderBy("input_index").write.parquet("findings.parquet")

Plan (schema.py gives the output columns):

1. claim lines are validated in Python exactly as the claims reader does (SPEC §2.2); a repeated
   (claim_id, line_number) after a valid one is rejected as a duplicate; rejected lines come out
   with `rejected` set and no verdict, so lines in = lines out;
2. notes without an id or text, with an unreadable date, or repeating an id are dropped (first
   one wins); a note without patient_id is routed to the patients whose lines carry its
   encounter_id (the only way it can link); notes of patients with no claim line never leave
   the scan stage (claim-driven: they are neither shuffled nor extracted);
3. lines and notes are repartitioned by patient, sorted, and each partition is audited by
   `partition.audit_partition` (`mapPartitions`; one spaCy pipeline per Python worker process).

Input order: the frames' own order (`monotonically_increasing_id`, i.e. file order for files read
by Spark), or an `input_index` column when the caller provides one. Column names are matched
case-insensitively; values are read as text, as the file readers read them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from notes_audit.read import fields
from notes_audit.read.claims import claim_line
from notes_audit.read.records import RosterEntry
from notes_audit.rules.policy import Policy, load_policy
from notes_audit.spark.partition import PartitionConfig, audit_partition
from notes_audit.spark.schema import (CLAIM_COLUMNS, FINDINGS_COLUMNS, FINDINGS_DDL, INDEX, KEY, KIND, LINE,
                                      NOTE, NOTE_COLUMNS, PROBLEM)

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

# SPEC §2.1 note_date: an ISO date, optionally with a time (the notes reader's pattern).
_NOTE_DATE = (r"^[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?"
              r"(?:Z|[+-][0-9]{2}:?[0-9]{2})?)?$")


def audit_dataframes(notes_df: DataFrame, claims_df: DataFrame,
                     roster_df: DataFrame | Iterable[RosterEntry] | None = None, *,
                     policy: str | Policy = "medicare", lookback_days: int = 365, include_text: bool = True,
                     partitions: int | None = None) -> DataFrame:
    """The findings DataFrame (schema.FINDINGS_COLUMNS), one row per claim line, unordered."""
    from pyspark.sql import functions as F

    spark = claims_df.sparkSession
    config = PartitionConfig(load_policy(policy), lookback_days, collect_roster(roster_df), include_text)
    # The checked lines feed four branches (lines, billed patients, encounters, rejections): keep
    # them rather than validate them four times. They are small beside the notes.
    claims = checked_claims(claims_df).persist()
    valid = claims.filter(F.col(PROBLEM).isNull())
    notes = routed_notes(notes_df, valid)
    n = partitions or int(spark.conf.get("spark.sql.shuffle.partitions"))
    lines = valid.select(F.trim(F.col("patient_id")).alias(KEY), F.lit(LINE).alias(KIND), INDEX, *CLAIM_COLUMNS)
    rows = (lines.unionByName(notes, allowMissingColumns=True)
            .repartition(n, KEY).sortWithinPartitions(KEY, KIND, INDEX))
    audited = rows.rdd.mapPartitions(lambda part: audit_partition((r.asDict() for r in part), config))
    rejected = claims.filter(F.col(PROBLEM).isNotNull()).select(
        INDEX, "claim_id", F.lit(None).cast("bigint").alias("line_number"), "code", "patient_id",
        "service_date", F.lit(None).cast("string").alias("verdict"),
        F.array().cast("array<string>").alias("reasons"), F.lit(None).cast("string").alias("finding_json"),
        F.col(PROBLEM).alias("rejected"))
    return spark.createDataFrame(audited, FINDINGS_DDL).unionByName(rejected.select(*[c for c, _ in FINDINGS_COLUMNS]))


def as_text_frame(df: DataFrame, columns: tuple[str, ...]) -> DataFrame:
    """Lower-case column names, every SPEC column as text (missing ones null), plus `input_index`."""
    from pyspark.sql import functions as F

    by_lower = {c.lower().strip(): c for c in df.columns}
    index = (F.col(by_lower[INDEX]).cast("bigint") if INDEX in by_lower
             else F.monotonically_increasing_id())
    return df.select(index.alias(INDEX), *[
        (F.col(f"`{by_lower[c]}`").cast("string") if c in by_lower else F.lit(None).cast("string")).alias(c)
        for c in columns])


def checked_claims(claims_df: DataFrame) -> DataFrame:
    """Claim rows with `_problem`: the reader's reason for rejecting the line, or null."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    text = as_text_frame(claims_df, CLAIM_COLUMNS)
    schema = f"{INDEX} bigint, " + ", ".join(f"{c} string" for c in CLAIM_COLUMNS) + \
        f", {PROBLEM} string, _claim string, _line bigint"
    checked = text.sparkSession.createDataFrame(text.rdd.mapPartitions(_check_claims), schema)
    # The reader rejects a repeat of an accepted (claim_id, line_number); the first valid one wins.
    first = Window.partitionBy("_claim", "_line").orderBy(INDEX)
    valid = F.col(PROBLEM).isNull()
    duplicate = valid & (F.row_number().over(first) > 1)
    message = F.concat(F.lit("duplicate line: claim "), F.col("_claim"), F.lit(" line "),
                       F.col("_line").cast("string"), F.lit(" first read at input_index "),
                       F.min(INDEX).over(first.rowsBetween(Window.unboundedPreceding, Window.unboundedFollowing))
                       .cast("string"))
    return (checked.withColumn("_valid", valid)
            .withColumn(PROBLEM, F.when(duplicate, message).otherwise(F.col(PROBLEM)))
            .drop("_valid", "_claim", "_line"))


def _check_claims(rows):
    for row in rows:
        values = {c: row[c] for c in CLAIM_COLUMNS}
        try:
            line = claim_line(values)
        except fields.FieldProblem as problem:
            reason = (f"{problem.column}: {problem.reason}: '{fields.shown(problem.value)}'"
                      if problem.value is not None else f"{problem.column}: {problem.reason}")
            # Invalid rows get their own (null) duplicate key, so they never shadow a valid line.
            yield (row[INDEX], *values.values(), reason, None, None)
            continue
        yield (row[INDEX], *values.values(), None, line.claim_id, line.line_number)


def routed_notes(notes_df: DataFrame, valid_claims: DataFrame) -> DataFrame:
    """Usable notes keyed by the patient whose lines they can link to (`_key`)."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    text = as_text_frame(notes_df, NOTE_COLUMNS)
    note_id, date = F.trim(F.col("note_id")), F.trim(F.col("note_date"))
    usable = (note_id != "") & F.col("text").rlike(r"\S") & (
        F.col("note_date").isNull() | (date == "")
        | (date.rlike(_NOTE_DATE) & F.try_to_date(F.substring(date, 1, 10), "yyyy-MM-dd").isNotNull()))
    # A repeated note_id: the first one read wins, as in the notes reader.
    first = Window.partitionBy(note_id).orderBy(INDEX)
    notes = (text.filter(usable).withColumn("_n", F.row_number().over(first)).filter("_n = 1").drop("_n"))
    patient, encounter = F.trim(F.col("patient_id")), F.trim(F.col("encounter_id"))
    own = notes.filter(patient != "").withColumn(KEY, patient)
    billed = valid_claims.select(F.trim(F.col("patient_id")).alias(KEY)).distinct()
    own = own.join(billed, KEY, "left_semi")
    encounters = (valid_claims.filter(F.trim(F.col("encounter_id")) != "")
                  .select(F.trim(F.col("encounter_id")).alias("_enc"), F.trim(F.col("patient_id")).alias(KEY))
                  .distinct())
    orphan = (notes.filter(F.col("patient_id").isNull() | (patient == ""))
              .withColumn("_enc", encounter).join(encounters, "_enc").drop("_enc"))
    return own.unionByName(orphan).withColumn(KIND, F.lit(NOTE))


def collect_roster(roster_df: DataFrame | Iterable[RosterEntry] | None) -> tuple[RosterEntry, ...] | None:
    """The roster on the driver (it is small), validated as the roster reader does: bad rows and
    repeated NPIs are left out. Entries already read (`RosterEntry`) are taken as they are."""
    if roster_df is None:
        return None
    if not hasattr(roster_df, "sparkSession"):
        return tuple(roster_df)
    text = as_text_frame(roster_df, ("npi", "name", "credential"))
    entries: dict[str, RosterEntry] = {}
    for row in text.orderBy(INDEX).collect():
        values: dict[str, Any] = {c: row[c] for c in ("npi", "name", "credential")}
        try:
            npi = fields.npi(fields.required(values, "npi"), "npi")
            name = " ".join(fields.required(values, "name").split())
        except fields.FieldProblem:
            continue
        entries.setdefault(npi, RosterEntry(npi, name, fields.optional(values, "credential")))
    return tuple(entries.values())
