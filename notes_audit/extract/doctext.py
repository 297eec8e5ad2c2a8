"""The note text of a Doc, computed once per Doc and shared by the pipeline components.

`Doc.text` rebuilds the string from its tokens on every access (about 0.2 ms for a 2 KB note), and
every component needs the text (sections and evidence also its lower-cased copy). The first to ask
keeps both in `doc.user_data`; `Extractor` stores the text it tokenized, so nothing is rebuilt. Each
component still works alone on a fresh Doc.
"""

from __future__ import annotations

from spacy.tokens import Doc

from notes_audit.extract.rulefiles import lower_same_length

_TEXT = ("notes_audit", "text")
_LOWERED = ("notes_audit", "lowered")


def make_doc(nlp, text: str) -> Doc:
    """Tokenize `text`, remembering it (spaCy's tokenizer keeps every character: `doc.text == text`)."""
    doc = nlp.make_doc(text)
    doc.user_data[_TEXT] = text
    return doc


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
