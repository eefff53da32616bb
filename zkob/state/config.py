"""The public derivatives config of DESIGN.md sections 9 and 10, and its hash.

A venue fixes it at ``zkob init`` (params.json, under "config"); the state
commits to it as ``config_hash`` inside the market hash, so every margin
check and report check of every later batch runs under these values.

    keys_hash   = H(x_1, y_1, ..., x_N, y_N), or 0 when N = 0
    config_hash = H(keys_hash, Q, C, im_future, mm_future, opt_a, opt_b,
                    opt_mm, liq_band, max_age, venue_id)

Parsing is strict: exactly the names of CONFIG_NAMES (an unknown name is
refused: a typo must not fall back to a default), each value a JSON
integer or canonical decimal string inside its bound, oracle keys
distinct, on Baby Jubjub, in the prime-order subgroup and not the identity
(like a deposit's key). Every refusal is one ``MalformedInput`` naming
``config.<name>``. A missing name takes its default; a missing
``venue_id`` is drawn at random (section 9), so two venues never share one
by accident.

Not checked, because DESIGN does not ask it: that mm_future <= im_future
or opt_mm <= opt_b (a venue that sets a maintenance rate above the
initial one gets accounts liquidatable right after a trade).

Cost: parsing checks each key's subgroup membership (~1.5 ms per key);
config_hash is two Poseidon hashes.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass

from ..zk.babyjub import Point, public_key_problem
from ..zk.errors import MalformedInput
from ..zk.field import R
from ..zk.poseidon import poseidon
from .signed import parse_unsigned

MAX_ORACLE_KEYS = 5
MAX_RATE_BP = 10**5
TIME_BOUND = 1 << 32
RATE_NAMES = ("im_future", "mm_future", "opt_a", "opt_b", "opt_mm", "liq_band")
#: every name a config object may hold, in config_hash order after keys_hash
CONFIG_NAMES = ("oracle_keys", "quorum", "collateral", *RATE_NAMES, "max_age", "venue_id")


def default_quorum(n_keys: int) -> int:
    """Q when the config names none: min(2, N), or 1 when N = 0."""
    return min(2, n_keys) or 1


@dataclass(frozen=True)
class Config:
    """DESIGN.md section 10's config plus section 9's venue_id; validated on construction.

    ``quorum=None`` takes ``default_quorum(len(oracle_keys))``. Construct
    directly in code and tests; parse outside input with ``config_from_json``.
    """

    oracle_keys: tuple[Point, ...] = ()
    quorum: int = None  # type: ignore[assignment]  # None -> default_quorum(N), set in __post_init__
    collateral: int = 1
    im_future: int = 1000
    mm_future: int = 500
    opt_a: int = 1500
    opt_b: int = 1000
    opt_mm: int = 750
    liq_band: int = 300
    max_age: int = 60
    venue_id: int = 0

    def __post_init__(self) -> None:
        keys = tuple(tuple(k) for k in self.oracle_keys)
        object.__setattr__(self, "oracle_keys", keys)
        if self.quorum is None:
            object.__setattr__(self, "quorum", default_quorum(len(keys)))
        _check(self)

    @property
    def n_keys(self) -> int:
        return len(self.oracle_keys)

    def keys_hash(self) -> int:
        """H(x_1, y_1, ..., x_N, y_N), or 0 for an empty committee."""
        return keys_hash(self.oracle_keys)

    def config_hash(self) -> int:
        """H(keys_hash, Q, C, the six rates, max_age, venue_id) (11 inputs)."""
        return poseidon([self.keys_hash(), self.quorum, self.collateral,
                         *(getattr(self, n) for n in RATE_NAMES), self.max_age, self.venue_id])

    def to_json(self) -> dict[str, object]:
        """Every name, canonical: small integers as JSON integers, keys and venue_id as decimal strings."""
        out: dict[str, object] = {"oracle_keys": [[str(x), str(y)] for x, y in self.oracle_keys]}
        for name in CONFIG_NAMES[1:-1]:
            out[name] = getattr(self, name)
        out["venue_id"] = str(self.venue_id)
        return out


def keys_hash(keys: tuple[Point, ...]) -> int:
    """H(x_1, y_1, ..., x_N, y_N) over the committee keys in order; 0 when there are none."""
    if not keys:
        return 0
    return poseidon([c for key in keys for c in key])


def _bound(name: str, value: object, low: int, high: int) -> None:
    """Refuse a non-integer or a value outside [low, high] with a one-line message."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise MalformedInput(f"config.{name}", f"must be an integer in [{low}, {high}], got {value!r}")


def _check(cfg: Config) -> None:
    keys = cfg.oracle_keys
    if len(keys) > MAX_ORACLE_KEYS:
        raise MalformedInput("config.oracle_keys", f"at most {MAX_ORACLE_KEYS} keys, got {len(keys)}")
    for i, key in enumerate(keys):
        problem = public_key_problem(key)
        if problem is not None:
            raise MalformedInput(f"config.oracle_keys[{i}]", problem)
        if key in keys[:i]:
            raise MalformedInput(f"config.oracle_keys[{i}]", f"repeats key {keys.index(key)}")
    _bound("quorum", cfg.quorum, 1, max(len(keys), 1))
    _bound("collateral", cfg.collateral, 0, R - 1)
    for name in RATE_NAMES:
        _bound(name, getattr(cfg, name), 0, MAX_RATE_BP)
    _bound("max_age", cfg.max_age, 0, TIME_BOUND - 1)
    _bound("venue_id", cfg.venue_id, 0, R - 1)


def check_collateral(cfg: Config, assets_depth: int) -> None:
    """The collateral asset C must be a leaf of the balances tree (C < 2^D_B)."""
    if cfg.collateral >= 1 << assets_depth:
        raise MalformedInput("config.collateral",
                             f"asset {cfg.collateral} is outside the balances tree of depth {assets_depth}")


def random_venue_id() -> int:
    """A venue identifier drawn uniformly from Fr with ``secrets``."""
    return secrets.randbelow(R)


def _parse_keys(raw: object) -> tuple[Point, ...]:
    if not isinstance(raw, list):
        raise MalformedInput("config.oracle_keys", "expected a list of [x, y] public keys")
    if len(raw) > MAX_ORACLE_KEYS:
        raise MalformedInput("config.oracle_keys", f"at most {MAX_ORACLE_KEYS} keys, got {len(raw)}")
    keys = []
    for i, item in enumerate(raw):
        where = f"config.oracle_keys[{i}]"
        if not isinstance(item, list) or len(item) != 2:
            raise MalformedInput(where, "expected a list [x, y]")
        keys.append((parse_unsigned(item[0], f"{where}[0]"), parse_unsigned(item[1], f"{where}[1]")))
    return tuple(keys)


def config_from_json(obj: object, assets_depth: int | None = None,
                     draw_venue: Callable[[], int] = random_venue_id) -> Config:
    """A decoded config object -> Config; MalformedInput ``config.<name>`` for any flaw.

    Missing names take their defaults; a missing venue_id is ``draw_venue()``.
    With ``assets_depth`` the collateral must also lie inside the balances tree.
    """
    if not isinstance(obj, dict):
        raise MalformedInput("config", "expected a JSON object")
    unknown = sorted(set(obj) - set(CONFIG_NAMES))
    if unknown:
        raise MalformedInput(f"config.{unknown[0]}", f"unknown name; expected some of {list(CONFIG_NAMES)}")
    values: dict[str, object] = {}
    for name, raw in obj.items():
        if name == "oracle_keys":
            values[name] = _parse_keys(raw)
        else:
            values[name] = parse_unsigned(raw, f"config.{name}")
    if "venue_id" not in values:
        values["venue_id"] = draw_venue()
    cfg = Config(**values)  # type: ignore[arg-type]
    if assets_depth is not None:
        check_collateral(cfg, assets_depth)
    return cfg
