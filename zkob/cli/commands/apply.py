"""``zkob apply DIR BATCH.json [--json]``: apply one batch to a state, atomically."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..console import out, warn
from ..statedir import state_dir

SALT_WARNING = ("{file} names its salt: the new root is only as private as that salt (tests and vectors "
                "only; leave it out and zkob draws one)")


@click.command("apply")
@click.argument("directory", type=click.Path(path_type=Path))
@click.argument("batch_file", metavar="BATCH.json", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object of the public inputs.")
def command(directory: Path, batch_file: Path, as_json: bool) -> None:
    """Apply BATCH.json to the state in DIRECTORY.

    A batch that breaks a rule is rejected as a whole (exit 2, one line on
    stderr naming the op or report index, its type and the rule) and the
    state is untouched. --json prints the six public inputs (old_root,
    new_root, commitment, bridge, market, time).
    """
    from ...state.batchfile import load_batch
    from ...state.protocol import PUBLIC_INPUTS
    from ...state.transition import apply_batch

    with state_dir(directory) as state:
        batch = load_batch(batch_file, state.params)
        if batch.salt_given:
            warn(SALT_WARNING.format(file=batch_file))
        trace = apply_batch(state, batch)
    named = dict(zip(PUBLIC_INPUTS, trace.public_inputs))
    if as_json:
        out.print(json.dumps({name: str(value) for name, value in named.items()}), markup=False)
        return
    real = sum(1 for t in trace.ops if t.op_index is not None)
    reports = len(batch.reports)
    out.print(f"applied {real} op(s) and {reports} report(s), packed into {len(trace.ops)} slots", markup=False)
    for name, value in named.items():
        out.print(f"{name:<10} {value}", markup=False)
    if not batch.salt_given:
        out.print(f"salt       {trace.salt} (drawn at random; recorded in the batch log)", markup=False)
