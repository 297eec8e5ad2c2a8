"""A payer policy: what the rules check, as data (YAML), validated once when it is loaded.

Policies live in `notes_audit/rules/policies/<name>.yaml` (loaded with importlib.resources) or at
any path a user passes. A file may start from another with `extends: <name or path>`: mappings are
merged key by key (so a custom policy can change one severity), lists and scalars are replaced.

Validation is strict, like a schema: an unknown key, an unknown reason code, a bad severity, a
concept outside SPEC §3 or a malformed date raises `InputError` naming the file and the key path.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from notes_audit.errors import InputError
from notes_audit.evidence.vocab import CONCEPTS, DRUGS, INTERPRETATIONS, LAB_TESTS, ROUTES, STATUSES
from notes_audit.rules.reasons import ADDON, ADMIN, DRUG, EM, EM_BUNDLED, SEVERITIES, SPEC_REASONS

POLICY_PACKAGE = "notes_audit.rules.policies"
DEFAULT_POLICY = "medicare"
_REASON_CODE = re.compile(r"^[A-Z][A-Z0-9_]*$")
_RULE_ID = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)*$")


@dataclass(frozen=True, slots=True)
class DrugCode:
    code: str
    substances: frozenset[str]  # drugs (SPEC §3) the code describes; b12_unspecified matches any
    mcg_per_unit: float | None  # None: the policy knows no unit size, so units are not checked
    verified: bool  # False: the code could not be confirmed in the official code set


@dataclass(frozen=True, slots=True)
class ConceptRule:
    pattern: str  # ICD-10-CM code or glob, e.g. "D51.0", "D51.*"
    concepts: frozenset[str]

    def matches(self, dx: str) -> bool:
        return fnmatch.fnmatchcase(dx, self.pattern)

    @property
    def specificity(self) -> tuple[int, int]:
        """Exact codes beat globs; among globs the longer literal prefix wins ("K90.0" > "K90.*")."""
        wild = [i for i, ch in enumerate(self.pattern) if ch in "*?["]
        return (0 if wild else 1, wild[0] if wild else len(self.pattern))


@dataclass(frozen=True, slots=True)
class SpecificityRule:
    billed: tuple[str, ...]  # dx patterns on the line
    documented: frozenset[str]  # concepts that, when affirmed, call for another code
    suggest: str  # the better code, for the message

    def matches(self, dx: str) -> bool:
        return any(fnmatch.fnmatchcase(dx, p) for p in self.billed)


@dataclass(frozen=True, slots=True)
class LabCriterion:
    test: str
    interpretation: str

    def __str__(self) -> str:
        return f"{self.test} {self.interpretation}"


@dataclass(frozen=True, slots=True)
class LabPair:
    lab: LabCriterion
    with_any: tuple[LabCriterion, ...]  # may come from another note of the history


@dataclass(frozen=True, slots=True)
class DeficiencyRules:
    statuses: frozenset[str]
    labs: tuple[LabCriterion, ...]
    lab_pairs: tuple[LabPair, ...]
    causal_concepts: frozenset[str]


@dataclass(frozen=True, slots=True)
class SupervisionRules:
    auxiliary_credentials: frozenset[str]  # normalised upper-case, no dots: "RN", "CMA"
    auxiliary_titles: tuple[str, ...]  # lower-case words: "nurse", "medical assistant"
    practitioner_credentials: frozenset[str]  # win over titles: "nurse practitioner" is not staff
    virtual_from: dt.date | None  # None: virtual presence never counts


@dataclass(frozen=True, slots=True)
class ReasonSpec:
    code: str
    enabled: bool
    severity: str
    rule: str
    source: str
    meaning: str
    why: str = ""
    example_fail: str = ""
    example_pass: str = ""


@dataclass(frozen=True, slots=True)
class Policy:
    """A loaded, validated policy. Treat it as read-only (mappings are plain dicts so a policy
    pickles, e.g. to Spark executors)."""

    name: str
    version: str
    description: str
    effective_from: dt.date | None
    effective_to: dt.date | None
    origin: str  # where it was loaded from, for messages
    drug_codes: Mapping[str, DrugCode]
    admin_codes: frozenset[str]
    em_codes: frozenset[str]
    em_bundled_codes: frozenset[str]
    addon_codes: frozenset[str]
    covered_diagnoses: tuple[str, ...]
    concept_rules: tuple[ConceptRule, ...]
    specificity: tuple[SpecificityRule, ...]
    deficiency: DeficiencyRules
    non_injectable_routes: frozenset[str]
    supervision: SupervisionRules
    frequency_window_days: int
    reasons: Mapping[str, ReasonSpec]  # in file order
    # Per-code answers of is_covered/concepts_for: a run asks about the same few codes many times.
    _memo: dict = field(default_factory=dict, init=False, repr=False, compare=False, hash=False)

    # -- scope ----------------------------------------------------------------------------------
    def kind_of(self, code: str) -> str | None:
        """The line kind of a billed code (reasons.LINE_KINDS), or None when out of scope."""
        if code in self.drug_codes:
            return DRUG
        if code in self.admin_codes:
            return ADMIN
        if code in self.em_codes:
            return EM
        if code in self.em_bundled_codes:
            return EM_BUNDLED
        if code in self.addon_codes:
            return ADDON
        return None

    def codes_of_kind(self, kind: str) -> tuple[str, ...]:
        codes = {DRUG: self.drug_codes.keys(), ADMIN: self.admin_codes, EM: self.em_codes,
                 EM_BUNDLED: self.em_bundled_codes, ADDON: self.addon_codes}[kind]
        return tuple(sorted(codes))

    # -- diagnoses ------------------------------------------------------------------------------
    def is_covered(self, dx: str) -> bool:
        key = ("covered", dx)
        if key not in self._memo:
            self._memo[key] = any(fnmatch.fnmatchcase(dx, p) for p in self.covered_diagnoses)
        return self._memo[key]

    def concepts_for(self, dx: str) -> frozenset[str]:
        """Concepts that document a billed code (SPEC §5.1 "code to concept").

        `concept_rules` is sorted most specific first, so D51.0 finds its own rule, not D51.*.
        """
        key = ("concepts", dx)
        if key not in self._memo:
            self._memo[key] = next((r.concepts for r in self.concept_rules if r.matches(dx)), frozenset())
        return self._memo[key]

    # -- reasons --------------------------------------------------------------------------------
    def enabled_reasons(self) -> list[ReasonSpec]:
        return [r for r in self.reasons.values() if r.enabled]

    def virtual_counts_on(self, day: dt.date) -> bool:
        vf = self.supervision.virtual_from
        return vf is not None and day >= vf


# ------------------------------------------------------------------------------------------------
# loading


def available_policies() -> list[str]:
    """Names of the policies shipped in the package."""
    return sorted(p.name[:-5] for p in resources.files(POLICY_PACKAGE).iterdir()
                  if p.name.endswith(".yaml"))


def load_policy(policy: str | Path | Policy = DEFAULT_POLICY) -> Policy:
    """A policy by name ("medicare", "commercial"), by path to a YAML file, or as given."""
    if isinstance(policy, Policy):
        return policy
    text = str(policy)
    if isinstance(policy, Path) or text.endswith((".yaml", ".yml")) or "/" in text or "\\" in text:
        return _load_path(str(Path(text).resolve()))
    return _load_named(text)


@cache
def _load_named(name: str) -> Policy:
    raw, origin = _raw_named(name)
    return _build(_resolve_extends(raw, origin, seen=(origin,)), origin)


def _load_path(path: str) -> Policy:  # not cached: a user may edit the file between runs
    raw = _raw_path(path)
    return _build(_resolve_extends(raw, path, seen=(path,)), path)


def _raw_named(name: str) -> tuple[dict[str, Any], str]:
    resource = resources.files(POLICY_PACKAGE) / f"{name}.yaml"
    if not resource.is_file():
        raise InputError(f"--policy: unknown policy '{name}'; shipped policies: "
                         f"{', '.join(available_policies())} (or pass a path to a YAML file)")
    origin = f"{name}.yaml"
    return _parse(resource.read_text(encoding="utf-8"), origin), origin


def _raw_path(path: str) -> dict[str, Any]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read policy: {exc.strerror or exc}", file=path) from exc
    return _parse(text, path)


def _parse(text: str, origin: str) -> dict[str, Any]:
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(f"not valid YAML: {getattr(exc, 'problem', None) or exc}", file=origin,
                         row=(mark.line + 1) if mark else None) from exc
    if not isinstance(raw, dict):
        raise InputError("a policy must be a YAML mapping", file=origin)
    return raw


def _resolve_extends(raw: dict[str, Any], origin: str, seen: tuple[str, ...]) -> dict[str, Any]:
    base_ref = raw.get("extends")
    if base_ref is None:
        return raw
    if not isinstance(base_ref, str) or not base_ref:
        raise InputError("key 'extends': expected a policy name or path", file=origin)
    if "name" not in raw:
        raise InputError("key 'name': a policy that extends another must have its own name", file=origin)
    if base_ref.endswith((".yaml", ".yml")) or "/" in base_ref:
        ref = Path(base_ref)
        # Relative to the extending file when it is a file on disk, else to the working directory.
        base_path = str(ref if ref.is_absolute() else
                        (Path(origin).parent / ref if Path(origin).is_absolute() else ref).resolve())
        base_raw, base_origin = _raw_path(base_path), base_path
    else:
        base_raw, base_origin = _raw_named(base_ref)
    if base_origin in seen:
        raise InputError(f"key 'extends': circular ({' -> '.join(seen + (base_origin,))})", file=origin)
    base = _resolve_extends(base_raw, base_origin, seen + (base_origin,))
    child = {k: v for k, v in raw.items() if k != "extends"}
    return _merge(base, child)


def _merge(base: Any, override: Any) -> Any:
    if isinstance(base, dict) and isinstance(override, dict):
        out = dict(base)
        for k, v in override.items():
            out[k] = _merge(base[k], v) if k in base else v
        return out
    return override


# ------------------------------------------------------------------------------------------------
# validation: one reader walks the raw mapping and knows the key path for every message


class _Reader:
    def __init__(self, origin: str) -> None:
        self.origin = origin

    def fail(self, path: str, message: str) -> InputError:
        return InputError(f"key '{path}': {message}", file=self.origin)

    def mapping(self, value: Any, path: str, required: set[str] = frozenset(),
                optional: set[str] = frozenset()) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(path, "expected a mapping")
        allowed = set(required) | set(optional)
        for key in value:
            if key not in allowed:
                raise self.fail(f"{path}.{key}" if path else str(key),
                                f"unknown key; allowed: {', '.join(sorted(allowed))}")
        for key in sorted(required):
            if key not in value:
                raise self.fail(f"{path}.{key}" if path else key, "required key is missing")
        return value

    def text(self, value: Any, path: str, allow_empty: bool = False) -> str:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)  # "version: 2025.1" and codes like 96372 read as numbers
        if not isinstance(value, str) or (not allow_empty and not value.strip()):
            raise self.fail(path, "expected a non-empty string")
        return value.strip()

    def texts(self, value: Any, path: str, choices: frozenset[str] | None = None) -> tuple[str, ...]:
        if not isinstance(value, list):
            raise self.fail(path, "expected a list")
        out = tuple(self.text(v, f"{path}[{i}]") for i, v in enumerate(value))
        if choices is not None:
            for i, v in enumerate(out):
                if v not in choices:
                    raise self.fail(f"{path}[{i}]", f"'{v}' is not one of {', '.join(sorted(choices))}")
        return out

    def flag(self, value: Any, path: str) -> bool:
        if not isinstance(value, bool):
            raise self.fail(path, "expected true or false")
        return value

    def date(self, value: Any, path: str) -> dt.date | None:
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            raise self.fail(path, "expected a date YYYY-MM-DD, not a timestamp")
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        raise self.fail(path, f"'{value}' is not a date YYYY-MM-DD")

    def positive_int(self, value: Any, path: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise self.fail(path, "expected a whole number of days >= 1")
        return value

    def concepts(self, value: Any, path: str) -> frozenset[str]:
        return frozenset(self.texts(value, path, choices=CONCEPTS))

    def lab(self, value: Any, path: str) -> LabCriterion:
        m = self.mapping(value, path, required={"test", "interpretation"})
        test = self.text(m["test"], f"{path}.test")
        interp = self.text(m["interpretation"], f"{path}.interpretation")
        if test not in LAB_TESTS:
            raise self.fail(f"{path}.test", f"'{test}' is not one of {', '.join(sorted(LAB_TESTS))}")
        if interp not in INTERPRETATIONS:
            raise self.fail(f"{path}.interpretation",
                            f"'{interp}' is not one of {', '.join(sorted(INTERPRETATIONS))}")
        return LabCriterion(test, interp)


_TOP_REQUIRED = {"name", "version", "description", "scope", "diagnoses", "deficiency_evidence",
                 "administration", "supervision", "frequency", "reasons"}
_TOP_OPTIONAL = {"effective", "extends"}
_REASON_REQUIRED = {"severity", "rule", "source", "meaning"}
_REASON_OPTIONAL = {"enabled", "why", "example_fail", "example_pass"}


def _build(raw: dict[str, Any], origin: str) -> Policy:
    r = _Reader(origin)
    top = r.mapping({k: v for k, v in raw.items() if k != "extends"}, "", _TOP_REQUIRED, _TOP_OPTIONAL)

    eff = r.mapping(top.get("effective") or {}, "effective", optional={"from", "to"})
    eff_from, eff_to = r.date(eff.get("from"), "effective.from"), r.date(eff.get("to"), "effective.to")
    if eff_from and eff_to and eff_to < eff_from:
        raise r.fail("effective.to", "ends before effective.from")

    scope = r.mapping(top["scope"], "scope", {"admin_codes", "drug_codes", "em_codes"},
                      {"em_bundled_codes", "addon_codes"})
    drug_codes = _drug_codes(r, scope["drug_codes"])
    code_sets = {key: frozenset(c.upper() for c in r.texts(scope.get(key, []), f"scope.{key}"))
                 for key in ("admin_codes", "em_codes", "em_bundled_codes", "addon_codes")}
    seen: dict[str, str] = {c: "drug_codes" for c in drug_codes}
    for key, codes in code_sets.items():
        for code in codes:
            if code in seen:
                raise r.fail(f"scope.{key}", f"code {code} is also listed in scope.{seen[code]}")
            seen[code] = key
    if not code_sets["admin_codes"]:
        raise r.fail("scope.admin_codes", "at least one administration code is needed")

    dx = r.mapping(top["diagnoses"], "diagnoses", {"covered", "concepts"}, {"specificity"})
    covered = tuple(c.upper() for c in r.texts(dx["covered"], "diagnoses.covered"))
    concept_rules = _concept_rules(r, dx["concepts"])
    for i, pattern in enumerate(covered):
        # A covered code nobody can document would fail every line: catch it at load time.
        if not any(rule.matches(pattern) for rule in concept_rules):
            raise r.fail(f"diagnoses.covered[{i}]", f"'{pattern}' has no entry in diagnoses.concepts")
    specificity = _specificity(r, dx.get("specificity", []))

    dfc = r.mapping(top["deficiency_evidence"], "deficiency_evidence",
                    {"statuses", "labs", "causal_concepts"}, {"lab_pairs"})
    labs = _list(r, dfc["labs"], "deficiency_evidence.labs")
    pairs = _list(r, dfc.get("lab_pairs", []), "deficiency_evidence.lab_pairs")
    deficiency = DeficiencyRules(
        statuses=frozenset(r.texts(dfc["statuses"], "deficiency_evidence.statuses", STATUSES)),
        labs=tuple(r.lab(v, f"deficiency_evidence.labs[{i}]") for i, v in enumerate(labs)),
        lab_pairs=tuple(_lab_pair(r, v, f"deficiency_evidence.lab_pairs[{i}]") for i, v in enumerate(pairs)),
        causal_concepts=r.concepts(dfc["causal_concepts"], "deficiency_evidence.causal_concepts"),
    )

    adm = r.mapping(top["administration"], "administration", {"non_injectable_routes"})
    routes = frozenset(r.texts(adm["non_injectable_routes"], "administration.non_injectable_routes", ROUTES))

    sup = r.mapping(top["supervision"], "supervision",
                    {"auxiliary_credentials", "practitioner_credentials", "virtual_supervision_from"},
                    {"auxiliary_titles"})
    supervision = SupervisionRules(
        auxiliary_credentials=frozenset(normalise_credential(c) for c in r.texts(
            sup["auxiliary_credentials"], "supervision.auxiliary_credentials")),
        auxiliary_titles=tuple(t.lower() for t in r.texts(sup.get("auxiliary_titles", []),
                                                           "supervision.auxiliary_titles")),
        practitioner_credentials=frozenset(normalise_credential(c) for c in r.texts(
            sup["practitioner_credentials"], "supervision.practitioner_credentials")),
        virtual_from=r.date(sup["virtual_supervision_from"], "supervision.virtual_supervision_from"),
    )

    freq = r.mapping(top["frequency"], "frequency", {"window_days"})
    window = r.positive_int(freq["window_days"], "frequency.window_days")

    return Policy(
        name=r.text(top["name"], "name"), version=r.text(top["version"], "version"),
        description=" ".join(r.text(top["description"], "description").split()),
        effective_from=eff_from, effective_to=eff_to, origin=origin,
        drug_codes=drug_codes, admin_codes=code_sets["admin_codes"],
        em_codes=code_sets["em_codes"], em_bundled_codes=code_sets["em_bundled_codes"],
        addon_codes=code_sets["addon_codes"], covered_diagnoses=covered,
        concept_rules=concept_rules, specificity=specificity, deficiency=deficiency,
        non_injectable_routes=routes, supervision=supervision, frequency_window_days=window,
        reasons=_reasons(r, top["reasons"]),
    )


def _list(r: _Reader, value: Any, path: str) -> list[Any]:
    if not isinstance(value, list):
        raise r.fail(path, "expected a list")
    return value


def _drug_codes(r: _Reader, value: Any) -> dict[str, DrugCode]:
    m = r.mapping(value, "scope.drug_codes", optional=set(value) if isinstance(value, dict) else set())
    out: dict[str, DrugCode] = {}
    for code, spec in m.items():
        path = f"scope.drug_codes.{code}"
        d = r.mapping(spec, path, {"substances", "mcg_per_unit", "verified"})
        per_unit = d["mcg_per_unit"]
        if per_unit is not None and (isinstance(per_unit, bool) or not isinstance(per_unit, (int, float))
                                     or per_unit <= 0):
            raise r.fail(f"{path}.mcg_per_unit", "expected a positive number or null")
        out[str(code).upper()] = DrugCode(
            code=str(code).upper(),
            substances=frozenset(r.texts(d["substances"], f"{path}.substances", DRUGS - {"b12_unspecified"})),
            mcg_per_unit=float(per_unit) if per_unit is not None else None,
            verified=r.flag(d["verified"], f"{path}.verified"),
        )
    if not out:
        raise r.fail("scope.drug_codes", "at least one drug code is needed")
    return out


def _concept_rules(r: _Reader, value: Any) -> tuple[ConceptRule, ...]:
    # A mapping (code pattern -> concepts), so `extends` can add or replace one entry.
    m = r.mapping(value, "diagnoses.concepts", optional=set(value) if isinstance(value, dict) else set())
    rules = [ConceptRule(str(pattern).upper(), r.concepts(concepts, f"diagnoses.concepts.{pattern}"))
             for pattern, concepts in m.items()]
    return tuple(sorted(rules, key=lambda rule: rule.specificity, reverse=True))


def _specificity(r: _Reader, value: Any) -> tuple[SpecificityRule, ...]:
    rules = []
    for i, item in enumerate(_list(r, value, "diagnoses.specificity")):
        path = f"diagnoses.specificity[{i}]"
        m = r.mapping(item, path, {"billed", "documented", "suggest"})
        rules.append(SpecificityRule(tuple(c.upper() for c in r.texts(m["billed"], f"{path}.billed")),
                                     r.concepts(m["documented"], f"{path}.documented"),
                                     r.text(m["suggest"], f"{path}.suggest")))
    return tuple(rules)


def _lab_pair(r: _Reader, value: Any, path: str) -> LabPair:
    m = r.mapping(value, path, {"lab", "with_any"})
    others = _list(r, m["with_any"], f"{path}.with_any")
    if not others:
        raise r.fail(f"{path}.with_any", "expected at least one lab")
    return LabPair(r.lab(m["lab"], f"{path}.lab"),
                   tuple(r.lab(v, f"{path}.with_any[{i}]") for i, v in enumerate(others)))


def _reasons(r: _Reader, value: Any) -> dict[str, ReasonSpec]:
    from notes_audit.rules.checks import CHECK_CLASSES  # registered checks, SPEC and added ones

    m = r.mapping(value, "reasons", optional=set(value) if isinstance(value, dict) else set())
    out: dict[str, ReasonSpec] = {}
    for code, spec in m.items():
        path = f"reasons.{code}"
        code = str(code)
        if not _REASON_CODE.match(code) or code not in CHECK_CLASSES:
            raise r.fail(path, "unknown reason code: neither a SPEC §5 reason nor one with a "
                               f"registered check; SPEC reasons: {', '.join(SPEC_REASONS)}")
        d = r.mapping(spec, path, _REASON_REQUIRED, _REASON_OPTIONAL)
        severity = r.text(d["severity"], f"{path}.severity")
        if severity not in SEVERITIES:
            raise r.fail(f"{path}.severity", f"'{severity}' is not one of {', '.join(SEVERITIES)}")
        rule = r.text(d["rule"], f"{path}.rule")
        if not _RULE_ID.match(rule):
            raise r.fail(f"{path}.rule", f"'{rule}' is not a dotted lower-case rule id like drug.units")
        out[code] = ReasonSpec(
            code=code, enabled=r.flag(d.get("enabled", True), f"{path}.enabled"), severity=severity,
            rule=rule, source=r.text(d["source"], f"{path}.source"),
            meaning=" ".join(r.text(d["meaning"], f"{path}.meaning").split()),
            why=" ".join(r.text(d.get("why", ""), f"{path}.why", allow_empty=True).split()),
            example_fail=r.text(d.get("example_fail", ""), f"{path}.example_fail", allow_empty=True),
            example_pass=r.text(d.get("example_pass", ""), f"{path}.example_pass", allow_empty=True),
        )
    for code in SPEC_REASONS:
        if code not in out:
            raise r.fail(f"reasons.{code}", "SPEC reason is missing (list it with enabled: false to turn it off)")
    return out


def normalise_credential(text: str) -> str:
    """'R.N.' -> 'RN', 'pa-c' -> 'PA-C': compare credentials without dots, case or spaces."""
    return re.sub(r"[.\s]", "", text).upper()
