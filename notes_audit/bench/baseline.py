"""What a user would otherwise write: `medspacy.load()` with its default components (PyRuSH
sentence splitter, target matcher, ConText) plus our target rules (resources/targets.yaml) loaded
as medspaCy `TargetRule`s with their regex patterns."""

from __future__ import annotations

import warnings

from spacy.language import Language


def medspacy_baseline() -> Language:
    from loguru import logger

    logger.remove()  # PyRuSH logs every sentence through loguru at DEBUG
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import medspacy
        from medspacy.ner import TargetRule

        from notes_audit.extract.rulefiles import load_yaml

        nlp = medspacy.load()
        rules = [TargetRule(d["literal"], d["category"], pattern=d.get("pattern"))
                 for d in load_yaml("targets.yaml")["target_rules"]]
        nlp.get_pipe("medspacy_target_matcher").add(rules)
    return nlp


def blank_tokenizer() -> Language:
    import spacy

    return spacy.blank("en")
