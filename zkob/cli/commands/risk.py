"""``zkob risk DIR [ACCOUNT]``: per account, its positions, equity, IM, MM, health, Greeks, price age.

Equity, IM and MM are state/margin.py's (the figures the proof checks),
at the prices the state holds and its last batch time; health is
Equity / MM (above 1 a liquidation is refused). Marks and Greeks are
state/risk.py's Black-76 at the volatility ``--vol`` (display only, never
proven). A price older than max_age is shown, flagged "stale": the state
machine would refuse a margin check on it. An underlying with no price
yet leaves its account's figures out ("no price").
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..console import out
from ..statedir import state_dir

if TYPE_CHECKING:
    from ...state.config import Config
    from ...state.oracle import Market
    from ...state.trace import AccountLeaf


def account_risk(account: int, leaf: AccountLeaf, market: Market, cfg: Config, vol: float) -> dict[str, object]:
    """The figures of one account as a JSON-ready dict (integers as decimal strings, Greeks as floats)."""
    from ...state.instruments import KIND_NAMES
    from ...state.margin import BP, equity, initial_margin_bp, maintenance_margin_bp, slot_value
    from ...state.risk import position_risk

    rows: list[dict[str, object]] = []
    prices: list[int | None] = []
    priced = True
    for slot in leaf.slots:
        if slot is None:
            prices.append(None)
            continue
        entry = market.oracle[slot.underlying]
        known = entry.ts >= 1
        priced = priced and known
        prices.append(entry.price if known else None)
        row: dict[str, object] = {
            "instrument": slot.instrument, "kind": KIND_NAMES[slot.kind], "underlying": slot.underlying,
            "strike": str(slot.strike), "expiry": slot.expiry, "size": str(slot.size),
            "price": str(entry.price) if known else None, "price_age": market.time - entry.ts if known else None,
            "stale": (not known) or market.time - entry.ts > cfg.max_age,
            "value": str(slot_value(slot, entry.price)) if known else None}
        try:
            greeks = position_risk(slot, entry.price, market.time, vol) if known else None
        except ValueError:  # an option at price 0: Black-76 is undefined there
            greeks = None
        row.update({g: None if greeks is None else getattr(greeks, g) for g in ("mark", "delta", "gamma", "vega")})
        rows.append(row)
    figures: dict[str, object] = {"account": account, "cash": str(leaf.cash), "positions": rows}
    if not priced:
        figures.update({"equity": None, "im": None, "mm": None, "health": None})
        return figures
    eq = equity(leaf.cash, leaf.slots, prices)
    im_bp = initial_margin_bp(leaf.slots, prices, cfg)
    mm_bp = maintenance_margin_bp(leaf.slots, prices, cfg)
    figures.update({"equity": str(eq), "im": _units(im_bp, BP), "mm": _units(mm_bp, BP),
                    "health": None if mm_bp == 0 else BP * eq / mm_bp})
    return figures


def _units(bp_value: int, bp: int) -> str:
    """A basis-point sum in units, exact: "12" or "12.3456"."""
    whole, frac = divmod(bp_value, bp)
    return str(whole) if frac == 0 else f"{whole}.{frac:04d}".rstrip("0")


@click.command("risk")
@click.argument("directory", type=click.Path(path_type=Path))
@click.argument("account", required=False, type=click.IntRange(min=0))
@click.option("--vol", default=0.6, show_default=True, type=click.FloatRange(min=0.0),
              help="Volatility (per year) for the Black-76 marks and Greeks.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as one JSON object.")
def command(directory: Path, account: int | None, vol: float, as_json: bool) -> None:
    """Show each account's positions, equity, IM, MM, health (equity/MM), Greeks and price age."""
    from ...zk.errors import ZkobError

    with state_dir(directory) as state:
        market, cfg = state.market, state.params.config
        if account is not None:
            leaf = state.account(account)
            if leaf is None:
                raise ZkobError(f"account {account} does not exist in {directory}")
            chosen = [(account, leaf)]
        else:
            chosen = [(a, leaf) for a, leaf in state.accounts() if leaf.cash != 0 or any(leaf.slots)]
        figures = [account_risk(a, leaf, market, cfg, vol) for a, leaf in chosen]
    if as_json:
        out.print(json.dumps({"time": market.time, "vol": vol, "accounts": figures}), markup=False,
                  soft_wrap=True)
        return
    _print_tables(directory, market.time, vol, figures)


def _print_tables(directory: Path, time: int, vol: float, figures: list[dict[str, object]]) -> None:
    from rich.table import Table

    out.print(f"risk of {directory} at time {time} (Greeks at vol {vol})", markup=False)
    if not figures:
        out.print("no account holds cash or positions", markup=False)
    for f in figures:
        health = f["health"]
        title = (f"account {f['account']}: cash {f['cash']}, equity {_text(f['equity'])}, IM {_text(f['im'])}, "
                 f"MM {_text(f['mm'])}, health {'-' if health is None else f'{health:.3f}'}")
        if not f["positions"]:
            out.print(title + ", no positions", markup=False)
            continue
        t = Table(title=title, title_justify="left")
        for col in ("instrument", "size", "price", "age", "value", "mark", "delta", "gamma", "vega"):
            t.add_column(col, justify="right")
        for r in f["positions"]:  # type: ignore[attr-defined]
            age = "none" if r["price_age"] is None else f"{r['price_age']}s" + (" stale" if r["stale"] else "")
            name = f"{r['instrument']} {r['kind']}" + (f" {r['strike']}" if r["kind"] != "future" else "")
            t.add_row(name, r["size"], _text(r["price"]), age, _text(r["value"]),
                      *(_num(r[g]) for g in ("mark", "delta", "gamma", "vega")))
        out.print(t)


def _text(value: object) -> str:
    return "-" if value is None else str(value)


def _num(value: object) -> str:
    return "-" if value is None else f"{value:.3g}"
