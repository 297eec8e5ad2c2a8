"""The NLP layer: notes in, SPEC §3 evidence out."""

from notes_audit.extract.pipeline import Extractor, build_pipeline

__all__ = ["Extractor", "build_pipeline"]
