"""Where the rollup contract finds each public input: generated from the protocol's names.

The public inputs are declared once in zkob.state (``PUBLIC_INPUTS``);
the contract template reads their indices from a ``Layout`` built from
that tuple, so the protocol switch from v1 ``[old_root, new_root,
commitment, bridge]`` to v2 ``[..., market, time]`` (DESIGN.md section 5)
regenerates a contract with the time check and the market digest in its
batch event, and nothing here changes. A layout without ``time`` (v1)
has no time check: the contract then keeps its genesis time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..state.protocol import PUBLIC_INPUTS

REQUIRED = ("old_root", "new_root", "commitment", "bridge")
OPTIONAL = ("market", "time")


@dataclass(frozen=True)
class Layout:
    """The ordered public-input names of one protocol version."""

    names: tuple[str, ...]

    def __post_init__(self) -> None:
        missing = [n for n in REQUIRED if n not in self.names]
        unknown = [n for n in self.names if n not in REQUIRED + OPTIONAL]
        if missing or unknown or len(set(self.names)) != len(self.names):
            raise ValueError(f"public inputs {self.names}: need each of {REQUIRED}, may add {OPTIONAL}")

    @property
    def n_public(self) -> int:
        return len(self.names)

    def index(self, name: str) -> int:
        return self.names.index(name)

    @property
    def has_time(self) -> bool:
        return "time" in self.names

    @property
    def has_market(self) -> bool:
        return "market" in self.names


def layout_of(names: Sequence[str] = PUBLIC_INPUTS) -> Layout:
    """The layout of ``names`` (default: the protocol zkob speaks now)."""
    return Layout(tuple(names))
