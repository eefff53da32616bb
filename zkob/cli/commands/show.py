"""``zkob show DIR``: accounts, balances and open orders as rich tables."""

from __future__ import annotations

from itertools import islice
from pathlib import Path

import click

from ..console import out
from ..statedir import state_dir


def _short(value: int) -> str:
    text = str(value)
    return text if len(text) <= 14 else f"{text[:6]}…{text[-6:]}"


@click.command("show")
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--limit", default=50, show_default=True, type=click.IntRange(min=1),
              help="Rows per table at most.")
def command(directory: Path, limit: int) -> None:
    """Show the accounts, balances and open orders of the state in DIRECTORY."""
    from rich.table import Table

    from ...state.protocol import SIDE_NAMES

    with state_dir(directory) as state:
        p = state.params
        header = (f"state {directory}: height {state.height}, root {state.root}\n"
                  f"accounts_depth={p.accounts_depth} orders_depth={p.orders_depth} "
                  f"assets_depth={p.assets_depth} batch_size={p.batch_size}")
        accounts = list(state.accounts())
        balances = list(state.balances())
        orders = list(state.orders())
    out.print(header, markup=False)

    def emit(table: Table, rows: list, total: int) -> None:
        for row in islice(rows, limit):
            table.add_row(*row)
        if total > limit:
            table.caption = f"{total - limit} more not shown (--limit)"
        out.print(table)

    t = Table(title=f"Accounts ({len(accounts)})")
    for col in ("id", "pk_x", "pk_y", "nonce"):
        t.add_column(col, justify="right")
    emit(t, [(str(i), _short(a.pk_x), _short(a.pk_y), str(a.nonce)) for i, a in accounts], len(accounts))

    t = Table(title=f"Balances ({len(balances)})")
    for col in ("account", "asset", "amount"):
        t.add_column(col, justify="right")
    emit(t, [(str(a), str(s), str(v)) for a, s, v in balances], len(balances))

    t = Table(title=f"Open orders ({len(orders)})")
    for col in ("id", "account", "base", "quote", "side", "price", "remaining"):
        t.add_column(col, justify="right")
    emit(t, [(str(i), str(o.account), str(o.base), str(o.quote), SIDE_NAMES[o.side], str(o.price),
              str(o.remaining)) for i, o in orders], len(orders))
