"""The note text of a Doc, computed once per Doc and shared by the pipeline components.

`Doc.text` rebuilds the string from its tokens on every access (about 0.2 ms for a 2 KB note), and
every component needs the text (sections and evidence also its lower-cased copy). The first to ask
keeps both in `doc.user_data`; `Extractor` stores the text it tokenized, so nothing is rebuilt. Each
component still works alone on a fresh Doc.
"""

from __future__ import annotations

from datetime import date

from spacy.tokens import Doc

from notes_audit.extract.rulefiles import lower_same_length

_TEXT = ("notes_audit", "text")
_LOWERED = ("notes_audit", "lowered")
_NOTE_DATE = ("notes_audit", "note_date")


def make_doc(nlp, text: str, note_date: date | None = None) -> Doc:
    """Tokenize `text`, remembering it (spaCy's tokenizer keeps every character: `doc.text == text`)
    and the note's date from its record, when the input has one."""
    doc = nlp.make_doc(text)
    doc.user_data[_TEXT] = text
    doc.user_data[_NOTE_DATE] = note_date
    return doc


def doc_note_date(doc: Doc) -> date | None:
    """The note's date from its record (the input's `note_date`), not from its text."""
    return doc.user_data.get(_NOTE_DATE)


def doc_text(doc: Doc) -> str:
    text = doc.user_data.get(_TEXT)
    if text is None:
        text = doc.user_data[_TEXT] = doc.text
    return text


def doc_lowered(doc: Doc) -> str:
    """`lower_same_length(doc_text(doc))`: lower-cased with the same offsets."""
    lowered = doc.user_data.get(_LOWERED)
    if lowered is None:
        lowered = doc.user_data[_LOWERED] = lower_same_length(doc_text(doc))
    return lowered
