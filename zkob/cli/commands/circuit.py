"""``zkob circuit info DIR``: size of the batch circuit for a state directory's parameters."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..console import out


@click.group("circuit")
def command() -> None:
    """Inspect the batch-transition circuit."""


@command.command("info")
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the counts as one JSON object.")
def info(directory: Path, as_json: bool) -> None:
    """Constraints in total, per slot, per gadget and per part of a slot; wires and public inputs."""
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
        f"assets_depth={p.assets_depth} batch_size={p.batch_size}",
        f"constraints  {report.constraints}",
        f"wires        {report.wires} (1 + {report.public} public + {report.private} private)",
        f"per slot     {', '.join(str(n) for n in report.per_slot)} (+{report.outside_slots} outside the slots)",
        "by gadget    " + ", ".join(f"{k} {v}" for k, v in sorted(report.by_kind.items(), key=lambda kv: -kv[1])),
        "slot 0       " + ", ".join(f"{k} {v}" for k, v in report.slot0_by_part.items()),
        f"digest       {report.digest}",
    ]
    for line in lines:
        out.print(line, markup=False)
