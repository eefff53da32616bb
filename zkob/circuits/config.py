"""The v2 config as wires: opened from config_hash, range-checked once (state/config.py's twin).

The circuit's shape depends on the number of oracle keys N and the quorum
Q (V2.md), so Q enters config_hash as a constant and the keys as 2N
wires; every other value is a witness the hash binds:

    keys_hash   = H(x_1, y_1, ..., x_N, y_N), or 0 when N = 0
    config_hash = H(keys_hash, Q, C, im_future, mm_future, opt_a, opt_b, opt_mm, liq_band,
                    max_age, venue_id)

``assert_config_ranges`` re-checks the bounds the margin gadget's no-wrap
argument needs (each rate in [0, 10^5], max_age < 2^32) even though
``zkob init`` refused any other config: config_hash never changes after
genesis, so this costs little and keeps the argument local. The keys'
validity is re-checked by every signature check (eddsa's A/subgroup).

Costs: config_hash 816 with N = 3 (keys_hash a Poseidon(6) 354, then a
Poseidon(11) 462), 459 with N = 0, 921 with N = 5; assert_config_ranges
6 * 36 + 33 = 249.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..state.config import MAX_RATE_BP, RATE_NAMES, Config
from .cs import LC, ConstraintSystem
from .gadgets.bits import range_check
from .gadgets.poseidon import poseidon

RATE_BITS = MAX_RATE_BP.bit_length()  # 17
MAX_AGE_BITS = 32


@dataclass
class ConfigWires:
    """The config's values as wires; ``quorum`` is a constant of the circuit."""

    keys: list[tuple[LC, LC]]
    quorum: int
    collateral: LC
    im_future: LC
    mm_future: LC
    opt_a: LC
    opt_b: LC
    opt_mm: LC
    liq_band: LC
    max_age: LC
    venue_id: LC


def alloc_config(cs: ConstraintSystem, n_keys: int, quorum: int, values: Callable[[], Config],
                 name: str = "config") -> ConfigWires:
    """Wires for a config with N keys and quorum Q (shape constants); values from the witness."""
    def coordinate(k: int, c: int) -> Callable[[], int]:
        return lambda: values().oracle_keys[k][c]

    def scalar(n: str) -> Callable[[], int]:
        return lambda: int(getattr(values(), n))

    with cs.namespace(name):
        keys = [(cs.alloc(f"key[{k}]_x", coordinate(k, 0)), cs.alloc(f"key[{k}]_y", coordinate(k, 1)))
                for k in range(n_keys)]
        scalars = {n: cs.alloc(n, scalar(n)) for n in ("collateral", *RATE_NAMES, "max_age", "venue_id")}
    return ConfigWires(keys, quorum, **scalars)


def keys_hash(cs: ConstraintSystem, keys: list[tuple[LC, LC]], name: str = "keys_hash") -> LC:
    """H(x_1, y_1, ..., x_N, y_N), or the constant 0 for an empty committee."""
    if not keys:
        return LC()
    return poseidon(cs, [c for key in keys for c in key], name)


def config_hash(cs: ConstraintSystem, cfg: ConfigWires, name: str = "config_hash") -> LC:
    """H(keys_hash, Q, C, the six rates, max_age, venue_id)."""
    with cs.namespace(name):
        rates = [getattr(cfg, n) for n in RATE_NAMES]
        return poseidon(cs, [keys_hash(cs, cfg.keys), LC.const(cfg.quorum), cfg.collateral, *rates,
                             cfg.max_age, cfg.venue_id], "hash")


def assert_config_ranges(cs: ConstraintSystem, cfg: ConfigWires, name: str = "config_range") -> None:
    """Each rate in [0, 10^5] and max_age < 2^32. Costs 249 constraints."""
    with cs.namespace(name, kind="compare"):
        for n in RATE_NAMES:
            rate = getattr(cfg, n)
            range_check(cs, rate, RATE_BITS, f"{n}/bits")
            range_check(cs, MAX_RATE_BP - rate, RATE_BITS, f"{n}/at_most")
        range_check(cs, cfg.max_age, MAX_AGE_BITS, "max_age")
