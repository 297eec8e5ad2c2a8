"""A fast clinical tokenizer: one regular expression instead of spaCy's prefix/suffix/infix search.

Every component of this pipeline reads the note's text and character offsets; tokens only carry
sentence starts and `doc.ents` for spaCy tooling. medspaCy's tokenizer cost 45% of the whole pipeline
(about 2 ms for a 2 KB note, measured by `notes-audit bench`); this one costs about 0.4 ms and keeps
the clinical splits that matter for spans: a number apart from a unit written against it ("1000mcg"
-> "1000", "mcg"), decimals and thousands kept whole ("1,000", "0.5"), every punctuation mark alone,
letters and digits together when a letter leads ("B12", "x4"). `doc.text == text` always: runs of
whitespace other than one space after a token become whitespace tokens, as in spaCy.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from spacy.tokens import Doc
from spacy.vocab import Vocab

_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_][^\W_]*|\S")
# A token and the one space after it, or a run of whitespace that is no token's trailing space.
_TOKEN_THEN_SPACE = re.compile(r"(" + _TOKEN.pattern + r")( ?)|(\s+)")


class ClinicalTokenizer:
    """`nlp.tokenizer = ClinicalTokenizer(nlp.vocab)`."""

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        words, spaces = split(text)
        return Doc(self.vocab, words=words, spaces=spaces)

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterator[Doc]:
        for text in texts:
            yield self(text)


def split(text: str) -> tuple[list[str], list[bool]]:
    """Words and trailing-space flags that spell `text` exactly: one space after a word is that word's
    trailing space; any other run of whitespace is a token of its own."""
    found = _TOKEN_THEN_SPACE.findall(text)  # one pass in C; the lists are built from its tuples
    return [word or gap for word, _, gap in found], [space == " " for _, space, _ in found]
