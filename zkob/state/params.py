"""Deployment parameters (docs/protocol.md sections 3 and 10): sizes, the config, the slot kinds.

They fix the circuit, so they are chosen once when a state is created and
stored beside it as params.json:

    {"version": 2, "accounts_depth": D_A, "orders_depth": D_O, "assets_depth": D_B,
     "batch_size": K, "underlyings": U, "instruments_depth": D_I, "positions": P,
     "reports": M, "derivatives_slots": R, "config": {...}}

The config (oracle committee, quorum, collateral, risk rates, max_age,
venue_id) is state/config.py's. A params.json without ``"version": 2`` is
a version 1 state directory, refused with one line naming the version.

``slot_kinds`` is V2.md's one function for the two slot kinds: of the K
slots, R are full (every op type) and spread evenly, the others spot
(noop, deposit, withdraw, place, cancel, fill); slot i is full iff
``((i+1)*R)//K > (i*R)//K``. The state machine packs a batch's ops into
them and the circuit builds one layout per kind.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from functools import cached_property
from typing import Any

from ..zk.errors import MalformedInput
from .config import CONFIG_NAMES, Config, check_collateral, config_from_json
from .protocol import PROTOCOL_VERSION, SlotKind

MAX_DEPTH = 32
MAX_BATCH = 4096
MAX_UNDERLYINGS = 8  # oracle_hash has 2U inputs; Poseidon takes at most 16
MAX_POSITIONS = 8  # positions_hash has P inputs
MAX_REPORTS = 64
#: name -> (low, high) of each size in params.json (derivatives_slots is bounded by batch_size)
BOUNDS: dict[str, tuple[int, int]] = {
    "accounts_depth": (1, MAX_DEPTH), "orders_depth": (1, MAX_DEPTH), "assets_depth": (1, MAX_DEPTH),
    "batch_size": (1, MAX_BATCH), "underlyings": (1, MAX_UNDERLYINGS), "instruments_depth": (1, MAX_DEPTH),
    "positions": (1, MAX_POSITIONS), "reports": (1, MAX_REPORTS), "derivatives_slots": (0, MAX_BATCH),
}
SIZE_NAMES = tuple(BOUNDS)
V1_REFUSAL = "state directory is protocol version {v}; this zkob speaks version 2; migrating is not supported"


def _check_size(name: str, value: object, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise MalformedInput(name, f"must be an integer in {low}..{high}, got {value!r}")


@dataclass(frozen=True)
class Params:
    """Sizes D_A, D_O, D_B, K, U, D_I, P, M, R and the public config of one deployment.

    ``derivatives_slots`` None takes min(2, K) (V2.md's default R = 2, for
    a batch that has two slots).
    """

    accounts_depth: int = 20
    orders_depth: int = 20
    assets_depth: int = 8
    batch_size: int = 4
    underlyings: int = 4
    instruments_depth: int = 8
    positions: int = 4
    reports: int = 2
    derivatives_slots: int = None  # type: ignore[assignment]  # None -> min(2, K), set in __post_init__
    config: Config = field(default_factory=Config)

    def __post_init__(self) -> None:
        if self.derivatives_slots is None:
            k = self.batch_size if isinstance(self.batch_size, int) else 0
            object.__setattr__(self, "derivatives_slots", min(2, max(k, 0)))
        for name, (low, high) in BOUNDS.items():
            _check_size(name, getattr(self, name), low, high)
        _check_size("derivatives_slots", self.derivatives_slots, 0, self.batch_size)
        if not isinstance(self.config, Config):
            raise MalformedInput("config", "expected a Config")
        check_collateral(self.config, self.assets_depth)

    @property
    def num_accounts(self) -> int:
        return 1 << self.accounts_depth

    @property
    def num_orders(self) -> int:
        return 1 << self.orders_depth

    @cached_property
    def config_hash(self) -> int:
        """The config's hash (state/config.py), computed once per Params."""
        return self.config.config_hash()

    @property
    def slot_kinds(self) -> tuple[SlotKind, ...]:
        return slot_kinds(self.batch_size, self.derivatives_slots)

    def sizes(self) -> dict[str, int]:
        """The nine sizes by name, in params.json order."""
        return {name: getattr(self, name) for name in SIZE_NAMES}

    def to_dict(self) -> dict[str, Any]:
        """params.json's object: the version, the sizes and the canonical config (JSON-ready)."""
        return {"version": PROTOCOL_VERSION, **self.sizes(), "config": self.config.to_json()}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str) -> "Params":
        """Parse params.json strictly: the version, exactly the nine sizes and a complete config."""
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise MalformedInput("params", f"not JSON: {exc}") from None
        if not isinstance(data, dict):
            raise MalformedInput("params", "expected a JSON object")
        version = data.get("version", 1)
        if version != PROTOCOL_VERSION:
            raise MalformedInput("params.version", V1_REFUSAL.format(v=version))
        expected = {"version", "config", *SIZE_NAMES}
        if set(data) != expected:
            raise MalformedInput("params", f"expected exactly the fields {sorted(expected)}")
        config = data["config"]
        if not isinstance(config, dict) or set(config) != set(CONFIG_NAMES):
            raise MalformedInput("params.config", f"expected every config name {sorted(CONFIG_NAMES)}")
        return cls(**{n: data[n] for n in SIZE_NAMES},
                   config=config_from_json(config, data["assets_depth"], draw_venue=_no_draw))

    def __repr__(self) -> str:  # the config's keys make the default repr unreadable
        return "Params(" + ", ".join(f"{f.name}={getattr(self, f.name)}" for f in fields(self)
                                     if f.name != "config") + f", venue_id={self.config.venue_id})"


def _no_draw() -> int:
    raise MalformedInput("params.config.venue_id", "missing")


def slot_kinds(batch_size: int, derivatives_slots: int) -> tuple[SlotKind, ...]:
    """The kind of each of the K slots: slot i is full iff ((i+1)*R)//K > (i*R)//K (R full slots, evenly spread)."""
    k, r = batch_size, derivatives_slots
    return tuple("full" if ((i + 1) * r) // k > (i * r) // k else "spot" for i in range(k))


def params_from_object(obj: object, draw_venue: Any = None) -> Params:
    """``zkob init --config``'s object: any size and config name (flat), defaults for the rest.

    An unknown name is refused (a typo must not fall back to a default);
    a missing venue_id is drawn at random (``draw_venue``, config.py's default).
    """
    if not isinstance(obj, dict):
        raise MalformedInput("config file", "expected a JSON object of parameter and config names")
    names = set(CONFIG_NAMES)
    unknown = sorted(set(obj) - names - set(SIZE_NAMES))
    if unknown:
        raise MalformedInput(unknown[0], f"unknown name; expected some of {[*SIZE_NAMES, *CONFIG_NAMES]}")
    sizes = {n: v for n, v in obj.items() if n in SIZE_NAMES}
    assets_depth = sizes.get("assets_depth", Params.__dataclass_fields__["assets_depth"].default)
    kwargs = {} if draw_venue is None else {"draw_venue": draw_venue}
    valid_depth = isinstance(assets_depth, int) and 1 <= assets_depth <= MAX_DEPTH  # else Params names it
    config = config_from_json({n: v for n, v in obj.items() if n in names},
                              assets_depth if valid_depth else None, **kwargs)
    return Params(**sizes, config=config)
