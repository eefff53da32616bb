"""``zkob circuit info DIR``: size of the batch circuit for a state directory's parameters.

The counts come from circuits/costs.py (labels of the built circuit); this
module only prints them: a summary, then rich tables of a slot's parts
per slot kind, the op types, the gadgets and what lies outside the slots.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..console import out

if TYPE_CHECKING:
    from ...circuits.costs import CostReport


@click.group("circuit")
def command() -> None:
    """Inspect the batch-transition circuit."""


@command.command("info")
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the counts as one JSON object.")
def info(directory: Path, as_json: bool) -> None:
    """Constraints in total, per slot kind, per op type, per gadget and outside the slots."""
    from ...circuits.costs import cost_report
    from ...state.store import read_params

    params = read_params(directory)
    report = cost_report(params)
    if as_json:
        out.print(json.dumps(report.to_dict(), sort_keys=True), markup=False)
        return
    p = params
    lines = [
        f"params       accounts_depth={p.accounts_depth} orders_depth={p.orders_depth} "
        f"assets_depth={p.assets_depth} batch_size={p.batch_size} derivatives_slots={p.derivatives_slots} "
        f"underlyings={p.underlyings} instruments_depth={p.instruments_depth} positions={p.positions} "
        f"reports={p.reports} oracle_keys={p.config.n_keys} quorum={p.config.quorum}",
        f"constraints  {report.constraints}",
        f"wires        {report.wires} (1 + {report.public} public + {report.private} private)",
        f"per slot     {', '.join(str(n) for n in report.per_slot)} (+{report.outside_slots} outside the slots)",
        "by gadget    " + ", ".join(f"{k} {v}" for k, v in sorted(report.by_kind.items(), key=lambda kv: -kv[1])),
        "slot 0       " + ", ".join(f"{k} {v}" for k, v in report.slot0_by_part.items()),
        f"digest       {report.digest}",
    ]
    for line in lines:
        out.print(line, markup=False)
    _tables(report)


def _tables(report: CostReport) -> None:
    """Rich tables of the report; cells are Text, so a label such as ``id[dplace,liquidate]`` is never markup."""
    from rich.table import Table
    from rich.text import Text

    def row(table: Table, *cells: str) -> None:
        table.add_row(*(Text(c) for c in cells))

    kinds = [k for k in report.slot_kinds if k.slots]
    t = Table(title="a slot's parts, per slot kind (the first slot of each kind)", title_justify="left")
    t.add_column("part")
    for k in kinds:
        t.add_column(f"{k.kind} (slots {', '.join(map(str, k.slots))})", justify="right")
    for part in sorted({part for k in kinds for part in k.parts}):
        row(t, part, *(str(k.parts.get(part, "-")) for k in kinds))
    row(t, "slot total", *(" / ".join(map(str, k.constraints)) for k in kinds))
    out.print(t)

    t = Table(title="op types (measured in the first slot of the smallest kind that holds them)", title_justify="left")
    for col in ("op", "needs", "rule section", "updates it enables", "only this op", "which updates"):
        t.add_column(col, justify="left" if col in ("op", "needs", "which updates") else "right")
    for op in report.ops:
        needs = "any slot" if op.needs == "spot" else "full slot"
        if op.measured_in_slot is None:
            row(t, op.op, needs, "-", "-", "-", "no slot of these params holds it")
            continue
        row(t, op.op, needs, str(op.rules), str(sum(op.updates.values())), str(op.only), ", ".join(op.updates))
    out.print(t)

    t = Table(title="gadgets (overlapping views of the whole circuit)", title_justify="left")
    for col in ("gadget", "unit", "per unit", "units", "total"):
        t.add_column(col, justify="left" if col in ("gadget", "unit") else "right")
    for g in report.gadgets:
        row(t, g.gadget, g.unit, str(g.per_unit), str(g.units), str(g.total))
    out.print(t)

    t = Table(title=f"outside the slots ({report.outside_slots})", title_justify="left")
    t.add_column("part")
    t.add_column("constraints", justify="right")
    for part, n in report.outside_by_part.items():
        row(t, part, str(n))
    out.print(t)
