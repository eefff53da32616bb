"""``zkob init DIR``: create a fresh state directory with its deployment parameters."""

from __future__ import annotations

from pathlib import Path

import click

from ..console import out


@click.command("init")
@click.argument("directory", type=click.Path(file_okay=True, dir_okay=True, path_type=Path))
@click.option("--accounts-depth", default=20, show_default=True, type=int, help="Depth D_A of the accounts tree (1..32).")
@click.option("--orders-depth", default=20, show_default=True, type=int, help="Depth D_O of the orders tree (1..32).")
@click.option("--assets-depth", default=8, show_default=True, type=int, help="Depth D_B of each balances tree (1..32).")
@click.option("--batch-size", default=4, show_default=True, type=int, help="Ops per batch K (noop-padded).")
def command(directory: Path, accounts_depth: int, orders_depth: int, assets_depth: int, batch_size: int) -> None:
    """Create an empty order-book state in DIRECTORY (which must not exist or be empty)."""
    from ...state.api import close_state, create_state, new_state
    from ...state.params import Params

    params = Params(accounts_depth, orders_depth, assets_depth, batch_size)
    lines = [f"created {directory} (accounts_depth={accounts_depth} orders_depth={orders_depth} "
             f"assets_depth={assets_depth} batch_size={batch_size})",
             f"root {new_state(params).root}"]  # the empty state's root, computed before anything is written
    close_state(create_state(directory, params))
    for line in lines:
        out.print(line, markup=False)
