"""Shared helpers for the state tests: tiny params, batches from dicts, snapshots, a dense reference."""

from __future__ import annotations

from functools import lru_cache

from zkob.state.batchfile import Batch, parse_batch
from zkob.state.params import Params
from zkob.state.rules import remainder_escrow
from zkob.state.signing import sign_ops
from zkob.state.state import State
from zkob.zk.eddsa import private_to_public
from zkob.zk.poseidon import poseidon

TINY = Params(accounts_depth=3, orders_depth=3, assets_depth=2, batch_size=4)
U64 = 1 << 64


def key(account: int) -> bytes:
    """Account ``account``'s private key in the tests (any 32 bytes are a key)."""
    return bytes([account % 256, 0x5A]) * 16


TEST_KEYS = {a: key(a) for a in range(256)}


def batch(*ops: dict, salt: int | None = 5, k: int = 4, state: State | None = None) -> Batch:
    """Parse op dicts; with ``state``, sign the withdraw/place/cancel ops with the test keys for it."""
    data: dict = {"ops": list(ops)}
    if salt is not None:
        data["salt"] = str(salt)
    parsed = parse_batch(data, k, require_sigs=False)
    if state is None:
        return parsed
    return Batch(sign_ops(parsed.ops, TEST_KEYS, state), parsed.salt, parsed.salt_given)


def deposit(account, asset, amount, pubkey=None) -> dict:
    op = {"op": "deposit", "account": account, "asset": asset, "amount": amount}
    if pubkey is not None:
        op["pubkey"] = [str(c) for c in pubkey]
    return op


def withdraw(account, asset, amount) -> dict:
    return {"op": "withdraw", "account": account, "asset": asset, "amount": amount}


def place(order, account, base, quote, side, price, qty) -> dict:
    return {"op": "place", "order": order, "account": account, "base": base, "quote": quote,
            "side": side, "price": price, "qty": qty}


def cancel(order, account) -> dict:
    return {"op": "cancel", "order": order, "account": account}


def fill(taker, maker, qty) -> dict:
    return {"op": "fill", "taker": taker, "maker": maker, "qty": qty}


def signed_history(*op_lists: list[dict], params: Params = TINY, salt: int = 5) -> list[Batch]:
    """Batches of these ops, each signed for the state the earlier ones leave (from an empty state)."""
    from zkob.state.api import apply_batch, new_state

    scratch, out = new_state(params), []
    for ops in op_lists:
        out.append(batch(*ops, salt=salt, k=params.batch_size, state=scratch))
        apply_batch(scratch, out[-1])
    return out


@lru_cache(maxsize=None)
def pk(account: int) -> tuple[int, int]:
    """The public key of ``key(account)``."""
    return private_to_public(key(account))


def snapshot(state: State) -> tuple:
    """Everything observable about a state (for "unchanged" assertions)."""
    return (state.root, state.height, tuple(state.accounts()), tuple(state.balances()),
            tuple(state.orders()), tuple(state.log()))


def dense_root(depth: int, leaves: dict[int, int]) -> int:
    """Merkle root computed from scratch over all 2^depth leaves (independent of smt.py)."""
    level = [leaves.get(i, 0) for i in range(1 << depth)]
    for _ in range(depth):
        level = [poseidon([level[i], level[i + 1]]) for i in range(0, len(level), 2)]
    return level[0]


def reference_root(state: State) -> int:
    """State root recomputed from the logical contents (accounts, balances, orders)."""
    p = state.params
    per_account: dict[int, dict[int, int]] = {}
    for account, asset, amount in state.balances():
        per_account.setdefault(account, {})[asset] = amount
    account_leaves = {}
    for account, leaf in state.accounts():
        balances_root = dense_root(p.assets_depth, per_account.get(account, {}))
        assert leaf.balances_root == balances_root
        account_leaves[account] = poseidon([leaf.pk_x, leaf.pk_y, leaf.nonce, balances_root])
    assert set(per_account) <= set(account_leaves), "balances of a never-created account"
    order_leaves = {i: poseidon([o.account, o.base, o.quote, o.side, o.price, o.remaining])
                    for i, o in state.orders()}
    return poseidon([dense_root(p.accounts_depth, account_leaves), dense_root(p.orders_depth, order_leaves)])


def holdings(state: State) -> dict[int, int]:
    """Per asset: sum of balances + open escrow."""
    total: dict[int, int] = {}
    for _, asset, amount in state.balances():
        total[asset] = total.get(asset, 0) + amount
    for _, order in state.orders():
        asset, amount = remainder_escrow(order)
        total[asset] = total.get(asset, 0) + amount
    return {a: v for a, v in total.items() if v}
