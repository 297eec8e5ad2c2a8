"""Scale for the scan: claim-driven work (which notes need NLP) and extraction across processes."""

from notes_audit.parallel.extract import available_cores, extraction, workers_for
from notes_audit.parallel.plan import ClaimPlan, NoteRef

__all__ = ["ClaimPlan", "NoteRef", "available_cores", "extraction", "workers_for"]
