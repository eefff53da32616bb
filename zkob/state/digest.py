"""Batch commitment, bridge digest and the public bridge record (docs/protocol.md section 4).

Both chains run over the K padded slots. Cost: K Poseidon-2 hashes for the
commitment, one per deposit/withdraw for the bridge. The bridge record is
the list of a batch's bridge ops (deposits and withdrawals, as the op
table marks them) with their digest: what the prover publishes as
bridge.json and what a light client or a bridge checks against the
public bridge digest.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..zk.poseidon import hash2
from .ops import Op, op_hash, to_json
from .protocol import BRIDGE, OPS

BRIDGE_CODES = frozenset(OPS[name].code for name in BRIDGE)


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
        chain.append(hash2(chain[-1], h) if t in BRIDGE_CODES else chain[-1])
    return tuple(chain)


def bridge_digest(op_types: Sequence[int], op_hashes: Sequence[int]) -> int:
    """The bridge digest: b after the K slots."""
    return bridge_chain(op_types, op_hashes)[-1]


def bridge_ops(ops: Sequence[Op]) -> tuple[Op, ...]:
    """The ops of a batch that cross the bridge, in batch order."""
    return tuple(op for op in ops if op.SPEC.bridge)


def record_digest(ops: Sequence[Op]) -> int:
    """The bridge digest of a record's ops (noops between them would not change it)."""
    return bridge_digest([op.TYPE for op in ops], [op_hash(op) for op in ops])


def bridge_record_json(ops: Sequence[Op]) -> dict[str, object]:
    """The public bridge record of a batch (bridge.json): its bridge ops and their digest."""
    crossing = bridge_ops(ops)
    return {"ops": [to_json(op) for op in crossing], "bridge": str(record_digest(crossing))}
