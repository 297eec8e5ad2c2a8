"""The clinical tokenizer: spells every note exactly, splits where spans need it, and changes no evidence."""

import csv
import dataclasses
import json
from pathlib import Path

import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st

from notes_audit.extract import Extractor
from notes_audit.extract.tokenizer import ClinicalTokenizer, split

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def tokenizer():
    return ClinicalTokenizer(spacy.blank("en").vocab)


@pytest.mark.parametrize("text, tokens", [
    ("Cyanocobalamin 1000mcg IM", ["Cyanocobalamin", "1000", "mcg", "IM"]),
    ("1,000 mcg; 0.5 mL", ["1,000", "mcg", ";", "0.5", "mL"]),
    ("B12 x4 12:30", ["B12", "x4", "12", ":", "30"]),
    ("1.Anemia", ["1", ".", "Anemia"]),
    ("a  b\n\nc", ["a", " ", "b", "\n\n", "c"]),
    ("µg – “q”", ["µg", "–", "“", "q", "”"]),
    ("", []),
])
def test_tokens(tokenizer, text, tokens):
    assert [t.text for t in tokenizer(text)] == tokens


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_doc_spells_the_text_exactly(text):
    words, spaces = split(text)
    doc = spacy.tokens.Doc(spacy.blank("en").vocab, words=words, spaces=spaces) if words else None
    assert (doc.text if doc is not None else "") == text


def _corpus_texts():
    texts = [p.read_text(encoding="utf-8") for p in sorted(ROOT.glob("corpora/extraction/*/notes/*.txt"))]
    for path in (ROOT / "corpora/demo/notes.csv", ROOT / "corpora/test/notes.csv"):
        with path.open(newline="", encoding="utf-8") as fh:
            texts += [r["text"] for r in csv.DictReader(fh)]
    return texts


def test_evidence_does_not_depend_on_the_tokenizer():
    ours, medspacy = Extractor(), Extractor(tokenizer="medspacy")
    for text in _corpus_texts():
        a = json.dumps(dataclasses.asdict(ours.extract_text(text)), sort_keys=True, default=str)
        b = json.dumps(dataclasses.asdict(medspacy.extract_text(text)), sort_keys=True, default=str)
        assert a == b


def test_unknown_tokenizer_is_refused():
    with pytest.raises(ValueError):
        Extractor(tokenizer="whitespace").nlp
