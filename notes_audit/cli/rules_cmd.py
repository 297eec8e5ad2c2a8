"""`notes-audit rules list` / `notes-audit rules explain REASON` (SPEC §1).

The lead mounts `rules_app` in the main app as the `rules` command group.
"""

from __future__ import annotations

import sys

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from notes_audit.errors import InputError
from notes_audit.rules.policy import DEFAULT_POLICY, Policy, load_policy
from notes_audit.rules.reasons import ALL_KINDS
from notes_audit.rules.registry import check_for, reason_order

rules_app = typer.Typer(help="The reason codes of a policy: meaning, severity, source.",
                        no_args_is_help=True, add_completion=False)

PolicyOption = typer.Option(DEFAULT_POLICY, "--policy",
                            help="Policy name (medicare, commercial) or path to a YAML file.")


def _policy_or_exit(policy: str) -> Policy:
    try:
        return load_policy(policy)
    except InputError as exc:
        Console(stderr=True).print(f"notes-audit: {exc}", markup=False, highlight=False)
        raise typer.Exit(2) from exc


def compress_codes(codes: tuple[str, ...]) -> str:
    """('99202','99203','99204','99205','99212') -> '99202-99205, 99212'."""
    out, run = [], []
    for code in sorted(codes):
        if run and code.isdigit() and run[-1].isdigit() and int(code) == int(run[-1]) + 1:
            run.append(code)
            continue
        if run:
            out.append(run[0] if len(run) == 1 else f"{run[0]}-{run[-1]}")
        run = [code]
    if run:
        out.append(run[0] if len(run) == 1 else f"{run[0]}-{run[-1]}")
    return ", ".join(out)


def lines_label(reason: str, policy: Policy) -> str:
    check = check_for(reason, policy)
    if check.kinds == ALL_KINDS:
        return "any in scope"
    return compress_codes(check.codes(policy))


@rules_app.command("list")
def list_reasons(policy: str = PolicyOption,
                 show_all: bool = typer.Option(False, "--all", help="Include reasons the policy disables.")) -> None:
    """The reason codes of the active policy with their severity, lines, meaning and source."""
    pol = _policy_or_exit(policy)
    table = Table(title=f"policy {pol.name} {pol.version}", show_lines=False, expand=False)
    for col in ("reason", "severity", "lines", "meaning", "source"):
        table.add_column(col, overflow="fold")
    hidden = 0
    for code in reason_order(pol):
        spec = pol.reasons[code]
        if not spec.enabled and not show_all:
            hidden += 1
            continue
        table.add_row(code, spec.severity if spec.enabled else "disabled", lines_label(code, pol),
                      spec.meaning, spec.source)
    console = Console(width=None if sys.stdout.isatty() else 200)
    console.print(table)
    if hidden:
        console.print(f"{hidden} disabled reason(s) not shown; use --all.")


@rules_app.command("explain")
def explain(reason: str = typer.Argument(..., help="A reason code, e.g. UNITS_MISMATCH."),
            policy: str = PolicyOption) -> None:
    """What a reason checks, why, its source, and a failing and a passing example."""
    pol = _policy_or_exit(policy)
    code = reason.strip().upper()
    if code not in pol.reasons:
        err = Console(stderr=True)
        err.print(f"notes-audit: unknown reason '{reason}'. Valid reasons in policy {pol.name}:",
                  markup=False, highlight=False)
        for valid in reason_order(pol):
            err.print(f"  {valid}", markup=False, highlight=False)
        raise typer.Exit(2)
    spec = pol.reasons[code]
    console = Console()
    state = spec.severity if spec.enabled else f"{spec.severity} (disabled in this policy)"
    rows = [
        ("reason", code), ("severity", state), ("rule", spec.rule), ("lines", lines_label(code, pol)),
        ("policy", f"{pol.name} {pol.version}"), ("meaning", spec.meaning), ("why", spec.why),
        ("source", spec.source), ("fails", spec.example_fail), ("passes", spec.example_pass),
    ]
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", justify="right", no_wrap=True)
    grid.add_column(overflow="fold")
    for label, value in rows:
        if value:
            grid.add_row(label, Text(value))
    console.print(grid)
