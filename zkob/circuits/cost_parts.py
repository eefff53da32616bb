"""Which part of a slot a constraint belongs to, and which op types use that part, from its label alone.

The labels are the one source: slot.py, slot_derivatives.py, rules.py and
rules_derivatives.py name every constraint of slot i ``op[i]/<part>/...``
after the update or rule that made it, and the op table
(state/protocol.py) says which op types enable each update. This module
reads the two together for costs.py; it builds nothing.

A slot's parts (``slot_part``), each constraint in exactly one:

- ``rules:<op>``: a label naming one op type, as a namespace (``dplace/``,
  ``liquidate/``, ``list/``, ``margin/``) or in brackets
  (``cash_move[margin]``, ``size_move[dfill]``): the op's rule section.
  A label naming several (``instrument/id[dplace,liquidate]``) and the
  one-hot type rule (``op_type/<op>``) are shared rules.
- the updates: ``ord[j]`` (an order-tree update), ``acct[a]`` (an
  account-tree update with its leaf), ``acct[a]/leg[k]`` (a balance leg),
  ``acct[a]/positions`` (its P position slots opened against the positions
  hash), ``acct[a]/position`` (one slot changed and re-hashed),
  ``instrument`` (the instruments-tree access),
  ``margin_eval/acct[a]/<when>`` (a margin evaluation: margin.py, the
  state's margin engine as constraints), ``market_digest`` (a list's step).
- ``sig`` (the signature of a signed op: message hash and EdDSA check),
  ``op_hash``, ``commitment``, ``bridge_hash``, ``bridge`` (every slot's
  chaining), and ``rules (shared)``: the rules every op type or several
  share (op type, encoding, ranges, escrow, matching, instrument_live...).

``part_users`` answers which op types use a part (None: every op type).
Costs one split per label.
"""

from __future__ import annotations

import re

from ..state.protocol import OP_TABLE, OPS
from .rules import leg_positions
from .witness import opens_positions

SHARED_RULES = "rules (shared)"
PLUMBING = ("op_hash", "sig", "commitment", "bridge_hash", "bridge", "market_digest")
_INDEXED = re.compile(r"^([a-z_]+)\[([^\]]*)\]$")
_LEVEL = re.compile(r"^level\[\d+\]$")


def named_ops(component: str) -> tuple[str, ...]:
    """The op types a label component names: ``dfill`` -> (dfill,), ``id[dplace,liquidate]`` -> both, else ()."""
    if component in OPS:
        return (component,)
    m = _INDEXED.match(component)
    if m:
        names = tuple(m.group(2).split(","))
        if all(n in OPS for n in names):
            return names
    return ()


def slot_part(rest: str) -> str:
    """The part of a slot's constraint labelled ``op[i]/<rest>`` (see the module docstring)."""
    comps = rest.split("/")
    head = comps[0]
    if head == "op_type":  # the one-hot rule over every selector
        return SHARED_RULES
    named = {op for c in comps for op in named_ops(c)}
    if len(named) == 1:
        return f"rules:{named.pop()}"
    if named:
        return SHARED_RULES
    if head.startswith("ord["):
        return head
    if head.startswith("acct["):
        sub = comps[1] if len(comps) > 1 else ""
        if sub.startswith("leg[") or sub in ("positions", "position"):
            return f"{head}/{sub}"
        return head
    if head == "margin_eval":
        return "/".join(comps[:3])
    if head == "instrument" or head in PLUMBING:
        return head
    return SHARED_RULES


def part_users(part: str) -> frozenset[str] | None:
    """The op types that use ``part`` per the op table; None for the parts every op type passes through."""
    specs = [s for s in OP_TABLE if s.name != "noop"]
    if part.startswith("rules:"):
        return frozenset((part[len("rules:"):],))
    if part.startswith("ord["):
        j = _index(part)
        return frozenset(s.name for s in specs if len(s.orders) > j)
    if part.startswith("acct["):
        a = _index(part.split("/")[0])
        sub = part.split("/")[1] if "/" in part else ""
        if sub.startswith("leg["):
            return frozenset(s.name for s in specs if (a, _index(sub)) in leg_positions(s.name))
        if sub == "positions":
            return frozenset(s.name for s in specs if opens_positions(s, a))
        if sub == "position":
            return frozenset(s.name for s in specs if len(s.accounts) > a and s.accounts[a].position)
        return frozenset(s.name for s in specs if len(s.accounts) > a)
    if part.startswith("margin_eval/"):
        a, when = _index(part.split("/")[1]), part.split("/")[2]
        return frozenset(s.name for s in specs if any(e.account == a and e.when == when for e in s.margin))
    if part == "instrument":
        return frozenset(s.name for s in specs if s.instrument is not None)
    if part == "sig":
        return frozenset(s.name for s in specs if s.signer is not None)
    if part == "market_digest":
        return frozenset(s.name for s in specs if s.market)
    return None


def is_update(part: str) -> bool:
    """True for the parts an op enables (tree updates, legs, positions, instrument, margin, digest step)."""
    return part.startswith(("ord[", "acct[", "margin_eval/")) or part in ("instrument", "market_digest")


def unit_prefix(label: str, marker: str) -> str | None:
    """The label up to and including its first component equal to ``marker`` (or a ``level[i]`` one when
    marker is "level"); None when it has none. One gadget instance per prefix."""
    comps = label.split("/")
    for k, c in enumerate(comps):
        if c == marker or (marker == "level" and _LEVEL.match(c)):
            return "/".join(comps[:k + 1])
    return None


def is_positions_hash(rest: str) -> bool:
    """A slot label inside the positions hash: opening the P slots, or re-hashing them after the change."""
    comps = rest.split("/")
    if len(comps) < 3 or not comps[0].startswith("acct["):
        return False
    if comps[1] == "positions":
        return True
    return comps[1] == "position" and (comps[2] == "hash" or comps[2:4] in (["new", "leaf"], ["new", "h"]))


def _index(component: str) -> int:
    return int(component[component.index("[") + 1:component.index("]")])
