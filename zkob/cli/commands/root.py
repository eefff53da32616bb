"""``zkob root DIR``: print the current state root in decimal, nothing else."""

from __future__ import annotations

from pathlib import Path

import click

from ..console import fail, out


@click.command("root")
@click.argument("directory", type=click.Path(path_type=Path))
def command(directory: Path) -> None:
    """Print the state root H(accounts_root, orders_root) of DIRECTORY in decimal."""
    from ...state.api import opened
    from ...state.errors import StoreError

    try:
        with opened(directory) as state:
            root = state.root
    except StoreError as exc:
        fail(exc)
    out.print(str(root), markup=False)
