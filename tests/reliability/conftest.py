"""Shared fixtures: one NLP pipeline for the whole session, and the CLI run in-process with it."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from notes_audit.extract import Extractor

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def extractor() -> Extractor:
    ex = Extractor()
    ex.nlp  # build now, once
    return ex


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str
    exception: BaseException | None


@pytest.fixture
def cli(extractor, monkeypatch):
    """Run `notes-audit ARGS` in-process (typer's CliRunner) with the session's pipeline.

    An exception other than SystemExit escaping a command is a bug (the real entry point would
    exit 1): it is returned in `Run.exception` with exit code 1.
    """
    import notes_audit.extract.pipeline

    # Every Extractor builds its pipeline through this function: hand them the session's.
    monkeypatch.setattr(notes_audit.extract.pipeline, "build_pipeline", lambda tokenizer="clinical": extractor.nlp)
    from notes_audit.cli.app import app

    def run(*args: str) -> Run:
        result = CliRunner().invoke(app, [str(a) for a in args])
        exception = None if isinstance(result.exception, SystemExit) else result.exception
        return Run(result.exit_code, result.stdout, result.stderr, exception)

    return run


def entry_point(*args: str, env: dict | None = None, unset: tuple[str, ...] = (), cwd: Path | None = None,
                timeout: float = 120) -> subprocess.CompletedProcess:
    """The real console entry point, `python -m notes_audit ARGS`, in a fresh process (this
    process's environment, plus `env`, minus `unset`)."""
    return python("-m", "notes_audit", *args, env=env, unset=unset, cwd=cwd, timeout=timeout)


def python(*args, env: dict | None = None, unset: tuple[str, ...] = (), cwd: Path | None = None,
           timeout: float = 120) -> subprocess.CompletedProcess:
    """`python ARGS` in a fresh process, output captured."""
    environ = {**os.environ, **(env or {})}
    for name in unset:
        environ.pop(name, None)
    return subprocess.run([sys.executable, *map(str, args)], capture_output=True, text=True,
                          cwd=cwd or REPO, env=environ, timeout=timeout)
