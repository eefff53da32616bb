"""``zkob show DIR``: accounts, balances, open orders, instruments, prices, cash and positions as rich tables."""

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
    """Show the accounts, balances, open orders, instruments, prices (with their age at the last
    batch time), and cash and positions of the state in DIRECTORY."""
    from rich.table import Table

    from ...state.instruments import KIND_NAMES
    from ...state.protocol import SIDE_NAMES

    with state_dir(directory) as state:
        p = state.params
        header = (f"state {directory}: height {state.height}, root {state.root}\n"
                  f"accounts_depth={p.accounts_depth} orders_depth={p.orders_depth} "
                  f"assets_depth={p.assets_depth} batch_size={p.batch_size}\n"
                  f"time {state.market.time}, venue_id {p.config.venue_id}, collateral asset {p.config.collateral}, "
                  f"{p.config.n_keys} oracle key(s), quorum {p.config.quorum}, max_age {p.config.max_age} s")
        accounts = list(state.accounts())
        balances = list(state.balances())
        orders = list(state.orders())
        instruments = list(state.instruments())
        market = state.market
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
    for col in ("id", "account", "instrument", "base", "quote", "side", "price", "remaining"):
        t.add_column(col, justify="right")
    emit(t, [(str(i), str(o.account), str(o.instrument) if o.instrument else "spot", str(o.base), str(o.quote),
              SIDE_NAMES[o.side], str(o.price), str(o.remaining)) for i, o in orders], len(orders))

    t = Table(title=f"Instruments ({len(instruments)})")
    for col in ("id", "kind", "underlying", "strike", "expiry", "settlement"):
        t.add_column(col, justify="right")
    emit(t, [(str(i), KIND_NAMES[x.kind], str(x.underlying), str(x.strike), str(x.expiry),
              str(x.settle_price) if x.settled else "-") for i, x in instruments], len(instruments))

    priced = [(u, e) for u, e in enumerate(market.oracle) if e.ts >= 1]
    t = Table(title=f"Index prices ({len(priced)} of {len(market.oracle)} underlyings)")
    for col in ("underlying", "price", "ts", "age"):
        t.add_column(col, justify="right")
    emit(t, [(str(u), str(e.price), str(e.ts), f"{market.time - e.ts} s" +
              (" stale" if market.time - e.ts > p.config.max_age else "")) for u, e in priced], len(priced))

    held = [(i, a) for i, a in accounts if a.cash != 0 or any(a.slots)]
    t = Table(title=f"Cash and positions ({len(held)} accounts)")
    for col in ("account", "cash", "positions (instrument: size)"):
        t.add_column(col, justify="right")
    emit(t, [(str(i), str(a.cash), ", ".join(f"{s.instrument}: {s.size}" for s in a.slots if s is not None) or "-")
             for i, a in held], len(held))
