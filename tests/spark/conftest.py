"""One local Spark session for the module (JVM start-up is the slow part): local[2], two shuffle
partitions, UI off, bound to 127.0.0.1. pyspark and Java 17 are part of `make test`; a missing one
fails these tests instead of skipping them."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def spark():
    from notes_audit.spark.session import local_session

    session = local_session(cores=2, shuffle_partitions=2, app_name="notes-audit-tests")
    yield session
    session.stop()


def read_csv(spark, path):
    """A CSV file as Spark itself reads it (quoted multi-line fields, every value as text)."""
    return spark.read.csv(str(path), header=True, multiLine=True, escape='"', inferSchema=False)
