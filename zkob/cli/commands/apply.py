"""``zkob apply DIR BATCH.json [--json]``: apply one batch to a state, atomically."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..statedir import open_or_fail
from ..console import fail, out


@click.command("apply")
@click.argument("directory", type=click.Path(path_type=Path))
@click.argument("batch_file", metavar="BATCH.json", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object of the four public inputs.")
def command(directory: Path, batch_file: Path, as_json: bool) -> None:
    """Apply BATCH.json to the state in DIRECTORY.

    A batch that breaks a rule is rejected as a whole (exit 2, one line on
    stderr naming the op index, type and rule) and the state is untouched.
    """
    from ...state.api import close_state
    from ...state.batchfile import load_batch
    from ...state.errors import Rejected, StoreError
    from ...state.transition import apply_batch
    from ...zk.errors import MalformedInput

    state = open_or_fail(directory)
    try:
        batch = load_batch(batch_file, state.params.batch_size)
        trace = apply_batch(state, batch)
    except (Rejected, MalformedInput, StoreError) as exc:
        fail(exc)
    finally:
        close_state(state)
    if as_json:
        out.print(json.dumps({
            "old_root": str(trace.old_root), "new_root": str(trace.new_root),
            "commitment": str(trace.commitment), "bridge": str(trace.bridge),
        }), markup=False)
        return
    real = sum(1 for t in trace.ops if t.op_type != "noop")
    out.print(f"applied {real} op(s), padded to {len(trace.ops)}", markup=False)
    for name in ("old_root", "new_root", "commitment", "bridge"):
        out.print(f"{name:<10} {getattr(trace, name)}", markup=False)
    if not batch.salt_given:
        out.print(f"salt       {trace.salt} (drawn at random; recorded in the batch log)", markup=False)
