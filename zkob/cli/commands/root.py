"""``zkob root DIR``: print the current state root in decimal, nothing else."""

from __future__ import annotations

from pathlib import Path

import click

from ..console import out
from ..statedir import state_dir


@click.command("root")
@click.argument("directory", type=click.Path(path_type=Path))
def command(directory: Path) -> None:
    """Print the state root H(accounts_root, orders_root, instruments_root, market_hash, blind) of DIRECTORY."""
    with state_dir(directory) as state:
        root = state.root
    out.print(str(root), markup=False)
