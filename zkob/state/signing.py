"""Signing a batch's user ops with the account holders' keys (docs/protocol.md section 9).

Withdraw, place, cancel, margin, dplace and liquidate are signed by the key
stored in their signer's account (the op table's ``signer`` field:
``account``, or ``liquidator`` for a liquidate) over
``H(venue, op_hash, nonce)``, with the account's nonce before the op and the
deployment's venue_id. Within a batch the state machine bumps the nonce after each
signed op of the account, so the k-th signed op of an account (k = 0, 1,
...) uses the state's current nonce + k. ``sign_ops`` applies exactly that
rule; ``zkob sign``, the demo and the tests use it.

Cost: ~5 ms per signature (pure-Python EdDSA), plus one state read per
account.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import cast

from ..zk.eddsa import sign_poseidon
from .ops import Op, SignedOp, is_signed, signer, signing_message
from .state import State


def batch_nonces(ops: Iterable[Op], state: State) -> list[int | None]:
    """For each op, the nonce its signature must use (None for ops that carry no signature).

    The state's nonce of the account (0 for an account not created yet,
    e.g. by a deposit earlier in the same batch) plus the number of earlier
    signed ops of that account in ``ops``.
    """
    seen: dict[int, int] = {}
    out: list[int | None] = []
    for op in ops:
        if not is_signed(op):
            out.append(None)
            continue
        account = signer(op)
        leaf = state.account(account)
        out.append((0 if leaf is None else leaf.nonce) + seen.get(account, 0))
        seen[account] = seen.get(account, 0) + 1
    return out


def sign_op(op: Op, private_key: bytes, nonce: int, venue: int) -> Op:
    """``op`` with ``sig`` set to the signature by ``private_key`` at ``nonce`` for ``venue`` (deterministic)."""
    if not is_signed(op):
        raise ValueError(f"a {op.NAME} carries no signature")
    return replace(cast(SignedOp, op), sig=sign_poseidon(private_key, signing_message(op, nonce, venue)))


def sign_ops(ops: Iterable[Op], private_keys: Mapping[int, bytes], state: State) -> tuple[Op, ...]:
    """Sign, in batch order, every signed op whose signer has a key in ``private_keys``, for the state's venue.

    ``private_keys`` maps account id -> 32-byte private key. Other ops (and
    signed ops of accounts without a key here) are returned unchanged, so
    several holders can sign one batch in turn. An existing sig of a key
    holder's op is replaced. The state is only read.
    """
    ops = tuple(ops)
    signed = []
    for op, nonce in zip(ops, batch_nonces(ops, state)):
        key = private_keys.get(signer(op)) if nonce is not None else None
        signed.append(op if key is None else sign_op(op, key, nonce, state.params.config.venue_id))  # type: ignore[arg-type]
    return tuple(signed)
