"""``zkob replay DIR OUT/batch.json ...``: a replica re-executes private batches."""

from __future__ import annotations

from pathlib import Path

import click

from ..console import done, out
from ..statedir import state_dir


@click.command("replay")
@click.argument("directory", type=click.Path(path_type=Path))
@click.argument("batch_files", metavar="OUT/batch.json...", nargs=-1, required=True,
                type=click.Path(dir_okay=False, path_type=Path))
def command(directory: Path, batch_files: tuple[Path, ...]) -> None:
    """Apply each batch.json to the replica in DIRECTORY and check its roots against public.json beside it.

    A batch whose old root, new root, commitment or bridge digest differs
    from its public.json is not applied (exit 1); the ones before it stay.
    """
    from ...pipeline.replay import replay_output

    with state_dir(directory) as state:
        for path in batch_files:
            trace = replay_output(state, path)
            done(str(path))  # after the commit: nothing here may fail (no markup in a path)
        root = trace.new_root
    out.print(str(root), markup=False)
