"""What ``zkob demo`` shows: the venue, each batch with its accounts table, the light client, the summary.

Rich renderables only (tables, panels, rules); the command decides where
they go. The figures come from pipeline/demo_venue.py (native, never
proven); the times and roots from the proving loop.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone

from rich import box
from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from ..pipeline.demo_venue import (COMMITTEE, EXPIRY, LISTINGS, NAMES, QUORUM, UNDERLYINGS, USERS, VOL,
                                   AccountFigures, Chapter, OpJson)
from ..state.instruments import kind_to_json
from ..state.oracle import committee_key
from ..state.params import Params

ACCOUNT_COLUMNS = ("account", "cash", "positions", "equity", "IM", "MM", "health", "delta")


def when(seconds: int) -> str:
    """A batch time as a UTC date and time."""
    return datetime.fromtimestamp(seconds, timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def short(value: int) -> str:
    text = str(value)
    return text if len(text) <= 14 else f"{text[:6]}…{text[-6:]}"


def venue_panel(params: Params) -> RenderableType:
    """The committee, the listings and the sizes the circuit was built for."""
    committee = Table(title=f"oracle committee (quorum {QUORUM} of {len(COMMITTEE)})", title_justify="left")
    committee.add_column("member", justify="right")
    committee.add_column("Baby Jubjub public key (x)")
    for k, key in enumerate(COMMITTEE):
        committee.add_row(str(k), short(committee_key(key)[0]))
    listings = Table(title=f"instruments (European, cash-settled, expiry {when(EXPIRY)})", title_justify="left")
    for col in ("id", "name", "kind", "underlying", "strike"):
        listings.add_column(col, justify="right" if col in ("id", "strike") else "left")
    for listing in LISTINGS:
        listings.add_row(str(listing.instrument), listing.name, kind_to_json(listing.kind),
                         f"{UNDERLYINGS[listing.underlying]} (feed {listing.underlying})",
                         f"{listing.strike:,}" if listing.strike else "-")
    sizes = (f"K={params.batch_size} slots ({params.derivatives_slots} full), M={params.reports} report slots, "
             f"U={params.underlyings}, P={params.positions} positions, depths accounts {params.accounts_depth} / "
             f"orders {params.orders_depth} / assets {params.assets_depth} / instruments {params.instruments_depth}")
    users = ", ".join(f"{n} (account {a})" for a, n in USERS.items())
    return Panel(Group(Text(f"users: {users}"), Text(sizes, style="dim"), committee, listings,
                       Text(LEGEND, style="dim")),
                 title="[bold]the venue[/]", title_align="left")


def _health(row: AccountFigures) -> Text:
    if row.health is None:
        return Text("-", style="dim")
    style = "bold red" if row.below_mm else "yellow" if row.health < 1.5 else "green"
    return Text(f"{row.health:,.2f}" + (" !" if row.below_mm else ""), style=style)


def _delta(row: AccountFigures) -> str:
    parts = [f"{d:+.1f} {UNDERLYINGS[u]}" for u, d in enumerate(row.delta) if abs(d) >= 0.05]
    return "\n".join(parts) or "0"


LEGEND = (f"IM, MM: initial and maintenance margin (section 10's floor, proven at every check); health = "
          f"equity / MM (below 1: liquidatable, shown with !); delta: Black-76 at vol {VOL:.0%} per underlying. "
          "The table itself is computed natively for display.")


def accounts_table(rows: list[AccountFigures], title: str) -> Table:
    """Equity, IM, MM, health (equity / MM) and delta per underlying of every user (fits 80 columns)."""
    table = Table(title=title, title_justify="left", title_style="bold", box=box.SIMPLE_HEAD, pad_edge=False)
    for col in ACCOUNT_COLUMNS:
        table.add_column(col, justify="left" if col in ("account", "positions") else "right")
    for row in rows:
        positions = "\n".join(f"{size:+,} {name}" for name, size in row.positions) or "-"
        table.add_row(row.name, f"{row.cash:,}", positions, f"{row.equity:,}", f"{row.initial:,.0f}",
                      f"{row.maintenance:,.0f}", _health(row), _delta(row))
    return table


def describe_report(report: OpJson) -> str:
    signers = "+".join(str(s["signer"]) for s in report["sigs"])
    if report["report"] == "index":
        return f"index {UNDERLYINGS[int(report['underlying'])]} {int(report['price']):,} (members {signers})"
    name = NAMES.get(int(report["instrument"]), report["instrument"])
    return f"settlement {name} at {int(report['price']):,} (members {signers})"


def ops_line(ops: tuple[OpJson, ...] | list[OpJson]) -> str:
    counts = Counter(str(op["op"]) for op in ops)
    return ", ".join(f"{n} {name}" for name, n in counts.items())


@dataclass
class BatchRow:
    """One proven batch, for the summary."""

    index: int
    chapter: Chapter
    seconds: float
    old_root: int
    new_root: int


def scene_header(chapter: Chapter) -> RenderableType:
    """The start of a scene: its name and what happens in it."""
    return Group(Rule(Text(chapter.phase, style="bold"), align="left"), Text(chapter.caption, style="italic"))


def batch_body(row: BatchRow, total: int, figures: list[AccountFigures]) -> RenderableType:
    """What one batch carried, its proof, and the accounts afterwards."""
    c = row.chapter
    lines = [Text.assemble((f"batch {row.index}/{total}", "bold cyan"), (f"  {when(c.time)}", "dim"))]
    for report in c.reports:
        lines.append(Text.assemble(("  report  ", "magenta"), describe_report(report)))
    lines.append(Text.assemble(("  ops     ", "blue"), ops_line(c.ops)))
    for note in c.notes:
        lines.append(Text.assemble(("  note    ", "red"), note))
    lines.append(Text.assemble(("  proof   ", "green"), f"{row.seconds:.1f} s (witness, prove, check); root ",
                               (short(row.old_root), "dim"), " → ", (short(row.new_root), "bold")))
    return Group(*lines, accounts_table(figures, f"accounts after batch {row.index}"))


@dataclass
class Summary:
    """The closing numbers."""

    rows: list[BatchRow] = field(default_factory=list)
    constraints: int = 0
    genesis: int = 0
    final_root: int = 0
    client_root: int = 0
    client_checks: list[str] = field(default_factory=list)
    replica: str = ""
    cpu_timings: dict[str, float] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)


def summary_panel(s: Summary) -> RenderableType:
    """Batches, ops by type, proof times, roots, what the light client checked, where the time went."""
    ops = Counter(str(op["op"]) for r in s.rows for op in r.chapter.ops)
    reports = Counter(str(rep["report"]) for r in s.rows for rep in r.chapter.reports)
    times = [r.seconds for r in s.rows]
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold")
    table.add_column()
    table.add_row("batches", f"{len(s.rows)} proven ({s.constraints:,} constraints each)")
    table.add_row("ops", ", ".join(f"{n} {name}" for name, n in sorted(ops.items())))
    table.add_row("reports", ", ".join(f"{n} {name}" for name, n in sorted(reports.items())))
    if times:
        table.add_row("proof times", f"{sum(times):.1f} s in all; {min(times):.1f} to {max(times):.1f} s per batch "
                      f"(mean {sum(times) / len(times):.1f} s)")
    table.add_row("roots", f"genesis {short(s.genesis)} → final {short(s.final_root)}")
    table.add_row("light client", f"root {short(s.client_root)} "
                  + ("[green]equals the state's[/]" if s.client_root == s.final_root else "[red]DIFFERS[/]"))
    for check in s.client_checks:
        table.add_row("", f"✓ {check}")
    if s.replica:
        table.add_row("replica", s.replica)
    table.add_row("time", ", ".join(f"{name} {sec:.1f} s" for name, sec in s.timings.items()))
    if s.cpu_timings:
        table.add_row("CPU time", ", ".join(f"{name} {sec:.1f} s" for name, sec in s.cpu_timings.items()))
    return Panel(table, title="[bold]summary[/]", title_align="left")
