"""Build the extraction pipeline: a blank spaCy English pipeline with a clinical tokenizer and our rule
components, all rules as package data. No downloaded models, no network, no PyRuSH.

    tokenizer -> notes_audit_sentences -> notes_audit_sections -> notes_audit_targets
    -> notes_audit_evidence (ConText assertion, labs, administrations, supervision, E/M)

The components read the note's text and character offsets, so the evidence does not depend on the
tokenizer (a test proves it on every corpus). The default, `clinical`, is our one-regex tokenizer
(`tokenizer.py`, about 5x faster than medspaCy's); `medspacy` keeps medspaCy's clinical tokenizer.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterable, Iterator
from datetime import date

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from notes_audit.evidence.model import NoteEvidence
from notes_audit.extract.tokenizer import ClinicalTokenizer
from notes_audit.read.records import Note

# Register the factories.
from notes_audit.extract import evidence_builder, sections, sentences, targets  # noqa: F401
from notes_audit.extract.doctext import make_doc

_EXTENSIONS = ("sentence_spans", "note_sections", "targets", "evidence")


def _quiet_medspacy_logging() -> None:
    # medspaCy/PyRuSH log through loguru at DEBUG, token by token; never let that reach a log (PHI).
    try:
        from loguru import logger

        # Silence only medspaCy's and PyRuSH's own loggers; a host application's sinks stay.
        for name in ("medspacy", "PyRuSH", "PyFastNER", "quicksectx"):
            logger.disable(name)
    except Exception:  # pragma: no cover - loguru is a medspaCy dependency
        pass
    logging.getLogger("medspacy").setLevel(logging.WARNING)


TOKENIZERS = ("clinical", "medspacy")


def build_pipeline(tokenizer: str = "clinical") -> Language:
    if tokenizer not in TOKENIZERS:
        raise ValueError(f"tokenizer must be one of {TOKENIZERS}, not {tokenizer!r}")
    _quiet_medspacy_logging()
    for ext in _EXTENSIONS:
        if not Doc.has_extension(ext):
            Doc.set_extension(ext, default=None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from medspacy.custom_tokenizer import create_medspacy_tokenizer
    nlp = spacy.blank("en")
    nlp.tokenizer = ClinicalTokenizer(nlp.vocab) if tokenizer == "clinical" else create_medspacy_tokenizer(nlp)
    # No parser or NER here (the 1M default guards their memory); a 5 MB note is fine for rules.
    nlp.max_length = 50_000_000
    nlp.add_pipe("notes_audit_sentences")
    nlp.add_pipe("notes_audit_sections")
    nlp.add_pipe("notes_audit_targets")
    nlp.add_pipe("notes_audit_evidence")
    return nlp


class Extractor:
    """Turns notes into evidence. Builds its spaCy pipeline once, on first use (one per process)."""

    def __init__(self, batch_size: int = 32, tokenizer: str = "clinical") -> None:
        self.batch_size = batch_size
        self.tokenizer = tokenizer

    @property
    def nlp(self) -> Language:
        if getattr(self, "nlp_", None) is None:
            self.nlp_ = build_pipeline(self.tokenizer)
        return self.nlp_

    def extract_text(self, text: str, note_date: date | None = None) -> NoteEvidence:
        """Evidence of one note's text; `note_date`, its record's date, dates what the text leaves undated
        (a medication record's row of that date is the visit's dose)."""
        return _verbatim(self.nlp(self._doc(text, note_date))._.evidence, text)

    def extract(self, note: Note) -> NoteEvidence:
        return _with_ids(self.extract_text(note.text, note.note_date), note)

    def extract_many(self, notes: Iterable[Note]) -> Iterator[NoteEvidence]:
        pairs = ((self._doc(n.text, n.note_date), n) for n in notes)
        for doc, note in self.nlp.pipe(pairs, as_tuples=True, batch_size=self.batch_size):
            yield _with_ids(_verbatim(doc._.evidence, note.text), note)

    def _doc(self, text: str | None, note_date: date | None = None):
        # A Doc that remembers its text, so the components never rebuild it from the tokens.
        return make_doc(self.nlp, _clean(text), note_date)


def _clean(text: str | None) -> str:
    # Offsets must index the text as read, so nothing is rewritten; NUL is the one character spaCy
    # tokenization chokes on, and it is replaced one-for-one to keep offsets.
    if not text:
        return ""
    return text.replace("\x00", " ") if "\x00" in text else text


def _verbatim(ev: NoteEvidence, text: str | None) -> NoteEvidence:
    """Evidence text is cut from the note as read: where `_clean` replaced characters, re-cut it."""
    if not text or "\x00" not in text:
        return ev
    for item in (*ev.labs, *ev.diagnoses, *ev.administrations, *ev.supervision, *ev.em.evidence, *ev.loading_phase):
        item.text = text[item.span[0]:item.span[1]]
    return ev


def _with_ids(ev: NoteEvidence, note: Note) -> NoteEvidence:
    ev.note_id = note.note_id
    ev.patient_id = note.patient_id
    ev.encounter_id = note.encounter_id
    ev.note_date = note.note_date.isoformat() if note.note_date else None
    return ev
