"""A small order book (depths 2/2/2, K=2) and one valid single-op trace per op type.

Accounts 1 (key PK1) and 2 (key PK2) hold assets 0 and 1 and sign their ops
with KEYS (DESIGN.md section 9); order 0 is a
buy of asset 1 for asset 0 by account 1 (price 10, qty 20), order 1 a sell
by account 2 (price 8, qty 15), order 3 a sell by account 1 (price 9, qty
10). Traces are computed without changing the state, so every test starts
from the same book.
"""

from __future__ import annotations

from functools import lru_cache

from zkob.circuits.batch import build_circuit, prove_cs
from zkob.state.api import apply_batch, new_state, trace_batch
from zkob.state.batchfile import Batch
from zkob.state.ops import Cancel, Deposit, Fill, Place, Withdraw
from zkob.state.params import Params
from zkob.state.signing import sign_ops
from zkob.zk.eddsa import private_to_public

P = Params(accounts_depth=2, orders_depth=2, assets_depth=2, batch_size=2)
KEYS = {a: bytes([a, 0xC5]) * 16 for a in range(4)}
PKS = {a: private_to_public(k) for a, k in KEYS.items()}
PK1, PK2, PK3 = PKS[1], PKS[2], PKS[3]


def signed(state, *ops, salt: int) -> Batch:
    return Batch(sign_ops(ops, KEYS, state), salt)


@lru_cache(maxsize=1)
def book():
    state = new_state(P)
    apply_batch(state, signed(state, Deposit(1, 0, 1000, PK1), Deposit(2, 1, 500, PK2), salt=1))
    apply_batch(state, signed(state, Place(0, 1, 1, 0, 0, 10, 20), Place(1, 2, 1, 0, 1, 8, 15), salt=2))
    apply_batch(state, signed(state, Deposit(1, 1, 100), Place(3, 1, 1, 0, 1, 9, 10), salt=3))
    return state


def trace(*ops, salt: int = 99):
    """The trace of ``ops`` on the book, withdraw/place/cancel signed with KEYS."""
    return trace_batch(book(), signed(book(), *ops, salt=salt))


VALID = {
    "deposit_new": lambda: trace(Deposit(3, 2, 40, PK3)),
    "deposit": lambda: trace(Deposit(1, 0, 7)),
    "withdraw": lambda: trace(Withdraw(1, 0, 100)),
    "place": lambda: trace(Place(2, 1, 1, 0, 0, 10, 3)),
    "place_sell": lambda: trace(Place(2, 2, 1, 0, 1, 9, 4)),
    "cancel": lambda: trace(Cancel(0, 1)),
    "fill": lambda: trace(Fill(1, 0, 5)),          # taker sells at the maker's 10
    "fill_buyer_takes": lambda: trace(Fill(0, 1, 15)),  # taker buys at 8: refund 2/unit, maker emptied
    # account 1 buys from itself: taker buy at 12 meets its own sell at 9 (refund 3/unit)
    "fill_self": lambda: trace(Place(2, 1, 1, 0, 0, 12, 5), Fill(2, 3, 5)),
}


def assert_batch_unsat(tr, set: dict[str, int], fails: str) -> str:
    """The circuit's R1CS rejects the trace's witness with ``set`` applied; the first failure is labelled ``fails``."""
    r1cs, _ = build_circuit(P)
    cs = prove_cs(P, tr, overrides=set)
    unknown = set.keys() - cs.index.keys()
    assert not unknown, f"no such wires: {sorted(unknown)}"
    failure = r1cs.first_failure(cs.witness())
    assert failure is not None, "the tampered witness still satisfies the R1CS"
    assert failure == cs.first_failure
    assert failure[1] == fails, f"first failure is {failure[1]!r}, expected {fails!r}"
    return failure[1]


def honest_value(tr, name: str) -> int:
    cs = prove_cs(P, tr)
    return cs.values[cs.wire(name)]
