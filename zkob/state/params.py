"""Deployment parameters (docs/protocol.md section 3): tree depths and batch size.

They fix the circuit, so they are chosen once when a state is created and
stored beside it as JSON.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from ..zk.errors import MalformedInput

MAX_DEPTH = 32
MAX_BATCH = 4096


@dataclass(frozen=True)
class Params:
    """Depths D_A, D_O, D_B of the accounts, orders and balances trees; K ops per batch."""

    accounts_depth: int = 20
    orders_depth: int = 20
    assets_depth: int = 8
    batch_size: int = 4

    def __post_init__(self) -> None:
        for name in ("accounts_depth", "orders_depth", "assets_depth"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_DEPTH:
                raise MalformedInput(name, f"must be an integer in 1..{MAX_DEPTH}, got {value!r}")
        k = self.batch_size
        if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= MAX_BATCH:
            raise MalformedInput("batch_size", f"must be an integer in 1..{MAX_BATCH}, got {k!r}")

    @property
    def num_accounts(self) -> int:
        return 1 << self.accounts_depth

    @property
    def num_orders(self) -> int:
        return 1 << self.orders_depth

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str) -> "Params":
        """Parse params.json strictly: exactly the four integer fields."""
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise MalformedInput("params", f"not JSON: {exc}") from None
        if not isinstance(data, dict):
            raise MalformedInput("params", "expected a JSON object")
        expected = {"accounts_depth", "orders_depth", "assets_depth", "batch_size"}
        if set(data) != expected:
            raise MalformedInput("params", f"expected exactly the fields {sorted(expected)}")
        return cls(**data)
