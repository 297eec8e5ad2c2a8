"""The bench's results: a Markdown table for people (and the README) and JSON for programs."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# The goals this bench checks (README "Speed and scale").
GOALS = {"vs_baseline": 15.0, "vs_tokenizer": 0.5, "claim_driven": 20.0, "memory": 1.2, "workers": 1.7}


@dataclass
class BenchReport:
    machine: dict
    workload: dict
    rows: list[tuple[str, str, str]] = field(default_factory=list)  # (measure, result, goal/verdict)
    data: dict[str, Any] = field(default_factory=dict)

    def add(self, measure: str, result: str, goal: str = "") -> None:
        self.rows.append((measure, result, goal))

    def table(self) -> str:
        m = self.machine
        lines = [
            f"notes-audit bench: {self.workload['description']}",
            f"machine: {m['cores']} cores ({m['cpu_model']}), {m['memory_gb']} GB RAM, {m['os']}, "
            f"Python {m['python']}, spaCy {m['spacy']}, medspaCy {m['medspacy']}; "
            f"1-min load average at start {m['load_average_1min']}",
            "",
            "| measure | result | goal |",
            "|---|---|---|",
            *[f"| {a} | {b} | {c} |" for a, b, c in self.rows],
        ]
        return "\n".join(lines)

    def to_dict(self) -> dict:
        return {"machine": self.machine, "workload": self.workload, "results": self.data,
                "table": [list(r) for r in self.rows]}

    def write_json(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def verdict(value: float, goal: float, higher_is_better: bool = True) -> str:
    met = value >= goal if higher_is_better else value <= goal
    sign = ">=" if higher_is_better else "<="
    return f"{sign} {goal:g}x: {'met' if met else 'NOT met'}"
