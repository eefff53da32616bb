"""Batch commitment and bridge digest (DESIGN.md section 4).

Both run over the K padded slots. Cost: K Poseidon-2 hashes for the
commitment, one per deposit/withdraw for the bridge.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..zk.poseidon import hash2
from .ops import BRIDGE_TYPES


def commitment_chain(salt: int, op_hashes: Sequence[int]) -> tuple[int, ...]:
    """c_0 = salt, c_{i+1} = H(c_i, op_hash_i); returns c_0 .. c_K."""
    chain = [salt]
    for h in op_hashes:
        chain.append(hash2(chain[-1], h))
    return tuple(chain)


def commitment(salt: int, op_hashes: Sequence[int]) -> int:
    """The batch commitment c_K."""
    return commitment_chain(salt, op_hashes)[-1]


def bridge_chain(op_types: Sequence[int], op_hashes: Sequence[int]) -> tuple[int, ...]:
    """b after each slot (b_0 = 0 first): b <- H(b, op_hash) for deposits and withdrawals only."""
    chain = [0]
    for t, h in zip(op_types, op_hashes, strict=True):
        chain.append(hash2(chain[-1], h) if t in BRIDGE_TYPES else chain[-1])
    return tuple(chain)


def bridge_digest(op_types: Sequence[int], op_hashes: Sequence[int]) -> int:
    """The bridge digest: b after the K slots."""
    return bridge_chain(op_types, op_hashes)[-1]
