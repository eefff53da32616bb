"""The market state as constraints: oracle entries, their freshness, hashes, time, market digest.

Twin of state/oracle.py (hashes) and state/oracle_rules.py (time_monotonic,
the digest chain). The integration opens the oracle entries from the old
market hash, runs the report slots (reports.py), and hands the entries
after them to the margin gadget, which asks each used slot's entry for a
price and its freshness.

Freshness is computed once per set of entries (``oracle_freshness``,
cached on the ``OracleWires``): for each u, fresh_u = (ts_u != 0) and
(T - ts_u <= max_age). Range checks made there, once: price_u < 2^64,
ts_u < 2^32 and ts_u <= T (an invariant: every stored ts came from a
report with t <= its batch's T, and time never goes back), so
T - ts_u is a 32-bit value and the comparison with max_age cannot wrap.
The margin gadget then asserts fresh for each used slot (price_stale),
at 2 constraints per slot instead of a comparison per slot.

Costs at U = 4: oracle_freshness 169 per entry (676), oracle_hash a
Poseidon(2U) (402), market_hash that plus a Poseidon(3) (663),
time_monotonic 66, market_digest_step 241.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ..state.oracle import OracleEntry
from .cs import LC, ConstraintSystem, Operand, as_lc
from .gadgets.bits import range_check
from .gadgets.compare import is_zero, less_than
from .gadgets.poseidon import poseidon
from .gadgets.select import select

PRICE_BITS = 64
TIME_BITS = 32


@dataclass
class OracleWires:
    """Per underlying u < U: the index price and its timestamp; freshness once computed."""

    prices: list[LC]
    ts: list[LC]
    fresh: dict[tuple[int, int], tuple[LC, LC, list[LC]]] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.prices)


def alloc_oracle(cs: ConstraintSystem, underlyings: int, values: Callable[[], Sequence[OracleEntry]],
                 name: str = "oracle") -> OracleWires:
    """U (price, ts) wires from the witness (unconstrained until hashed or range-checked)."""
    def price(u: int) -> Callable[[], int]:
        return lambda: values()[u].price

    def stamp(u: int) -> Callable[[], int]:
        return lambda: values()[u].ts

    with cs.namespace(name):
        prices = [cs.alloc(f"price[{u}]", price(u)) for u in range(underlyings)]
        ts = [cs.alloc(f"ts[{u}]", stamp(u)) for u in range(underlyings)]
    return OracleWires(prices, ts)


def oracle_hash(cs: ConstraintSystem, oracle: OracleWires, name: str = "oracle_hash") -> LC:
    """H(price_0, ts_0, ..., price_{U-1}, ts_{U-1})."""
    return poseidon(cs, [v for p, t in zip(oracle.prices, oracle.ts) for v in (p, t)], name)


def market_hash(cs: ConstraintSystem, time: Operand, config_hash: Operand, oracle: OracleWires,
                name: str = "market_hash") -> LC:
    """H(time, config_hash, oracle_hash)."""
    with cs.namespace(name):
        return poseidon(cs, [as_lc(time), as_lc(config_hash), oracle_hash(cs, oracle)], "hash")


def time_monotonic(cs: ConstraintSystem, old_time: Operand, time: Operand, name: str = "time_monotonic") -> None:
    """T < 2^32 and old_time <= T (old_time < 2^32 is the previous batch's check). Costs 66."""
    with cs.namespace(name, kind="compare"):
        range_check(cs, time, TIME_BITS, "range")
        range_check(cs, as_lc(time) - as_lc(old_time), TIME_BITS, "not_before")


def oracle_freshness(cs: ConstraintSystem, oracle: OracleWires, time: LC, max_age: LC,
                     name: str = "fresh") -> list[LC]:
    """fresh_u = ts_u >= 1 and T - ts_u <= max_age, per u; computed once per (time, max_age) wires.

    Requires time < 2^32 and max_age < 2^32 (time_monotonic, config
    ranges). Costs 169 per entry the first time, nothing after.
    """
    key = (id(time), id(max_age))
    if key in oracle.fresh:
        return oracle.fresh[key][2]
    out = []
    with cs.namespace(f"{name}[{len(oracle.fresh)}]", kind="compare"):
        for u, (price, ts) in enumerate(zip(oracle.prices, oracle.ts)):
            with cs.namespace(f"u[{u}]"):
                range_check(cs, price, PRICE_BITS, "price_range")
                range_check(cs, ts, TIME_BITS, "ts_range")
                age = time - ts
                range_check(cs, age, TIME_BITS, "ts_not_after_time")
                known = 1 - is_zero(cs, ts, "never")
                too_old = less_than(cs, max_age, age, TIME_BITS, "too_old")
                out.append(cs.mul(known, 1 - too_old, "fresh"))
    oracle.fresh[key] = (time, max_age, out)  # keeps the key's objects alive
    return out


def market_digest_step(cs: ConstraintSystem, digest: Operand, item: Operand, real: Operand,
                       name: str = "market_digest") -> LC:
    """m <- H(m, item) when real is 1 (a report or a list op), else m. Costs 241."""
    with cs.namespace(name):
        chained = poseidon(cs, [as_lc(digest), as_lc(item)], "hash")
        return select(cs, real, chained, digest, "step")
