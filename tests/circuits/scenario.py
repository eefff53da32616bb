"""A small venue (depths 2/3/2, K=2: a spot slot then a full slot) and one valid trace per case.

Spot book (as in version 1): accounts 1 (key PK1) and 2 (PK2) hold assets
0 and 1; order 0 is a buy of asset 1 for asset 0 by account 1 (price 10,
qty 20), order 1 a sell by account 2 (price 8, qty 15), order 3 a sell by
account 1 (price 9, qty 10).

Derivatives (collateral asset 1; committee of N = 3, quorum Q = 2;
U = 2, D_I = 2, P = 2, M = 1): instrument 1 is a future on underlying 0,
instrument 2 a call on underlying 1 at strike 50, both expiring at 1000.
Index prices 100 (u 0) and 60 (u 1). Account 1 is long 5 futures (bought
from account 2 at 100) and long 2 calls (bought from account 3 at 12),
cash -438: equity 82, IM 50, MM 25 at these prices (exactly at MM when
u 0 is at 88); account 2 is short 5 futures, cash 900; account 3 (the
liquidator in tests) is short 2 calls, cash 1024. Open derivatives
orders on the future: 4, a buy of 3 at 101 by account 1 (filling all 3
leaves it one unit below IM); 5, a sell of 4 at 99 by account 2; 6, a
buy of 1 at 90 by account 2; 7, a sell of 1 at 90 by account 1. Free:
order slot 2, instrument 3, account 0.

Every trace runs at TIME = 20 (prices from times 4 and 5 are fresh:
max_age 60) unless it says otherwise, and is computed without changing
the state, so every test starts from the same book. Spot ops land in
slot 0 (spot), derivatives ops in slot 1 (full).
"""

from __future__ import annotations

from functools import lru_cache

from zkob.circuits.batch import build_circuit, prove_cs
from zkob.state.api import apply_batch, new_state, trace_batch
from zkob.state.batchfile import Batch
from zkob.state.config import Config
from zkob.state.instruments import CALL, FUTURE, PUT
from zkob.state.oracle import IndexReport, SettlementReport, committee_key, sign_report
from zkob.state.ops import (Cancel, Deposit, DFill, DPlace, Fill, ListInstrument, Liquidate, Margin, Place,
                            Settle, Withdraw)
from zkob.state.params import Params
from zkob.state.signing import sign_ops
from zkob.zk.eddsa import private_to_public

MEMBERS = tuple(bytes([0x30 + k]) * 32 for k in range(3))
CONFIG = Config(oracle_keys=tuple(committee_key(m) for m in MEMBERS), quorum=2, venue_id=4242)
P = Params(accounts_depth=2, orders_depth=3, assets_depth=2, batch_size=2, underlyings=2, instruments_depth=2,
           positions=2, reports=1, derivatives_slots=1, config=CONFIG)
KEYS = {a: bytes([a, 0xC5]) * 16 for a in range(4)}
PKS = {a: private_to_public(k) for a, k in KEYS.items()}
PK0, PK1, PK2, PK3 = PKS[0], PKS[1], PKS[2], PKS[3]
TIME = 20
SPOT, FULL = 0, 1  # the slot a spot op and a derivatives op of a one-op batch land in


def index(u: int, price: int, ts: int, signers=(0, 1)):
    """An index report signed by these committee members."""
    report = IndexReport(u, price, ts)
    for k in signers:
        report = sign_report(report, MEMBERS[k], k)
    return report


def settlement(state, instrument: int, price: int, signers=(1, 2)):
    report = SettlementReport(instrument, price)
    for k in signers:
        report = sign_report(report, MEMBERS[k], k, state.instrument(instrument))
    return report


def signed(state, *ops, salt: int, time: int = TIME, reports=()) -> Batch:
    return Batch(sign_ops(ops, KEYS, state), salt, True, time, tuple(reports))


BOOK = [  # (time, reports, ops)
    (1, (), (Deposit(1, 0, 1000, PK1), Deposit(2, 1, 500, PK2))),
    (2, (), (Place(0, 1, 1, 0, 0, 10, 20), Place(1, 2, 1, 0, 1, 8, 15))),
    (3, (), (Deposit(1, 1, 100), Place(3, 1, 1, 0, 1, 9, 10))),
    (4, (index(0, 100, 4),), (Deposit(3, 1, 5000, PK3), ListInstrument(1, FUTURE, 0, 0, 1000))),
    (5, (index(1, 60, 5),), (Deposit(1, 1, 200), ListInstrument(2, CALL, 1, 50, 1000))),
    (6, (), (Deposit(2, 1, 1000), Margin(1, 86))),
    (7, (), (Margin(2, 400),)),
    (8, (), (Margin(3, 1000),)),
    (9, (), (DPlace(6, 1, 1, 0, 100, 5),)),
    (10, (), (DPlace(7, 2, 1, 1, 100, 5),)),
    (11, (), (DFill(7, 6, 5),)),
    (12, (), (DPlace(6, 3, 2, 1, 12, 2),)),
    (13, (), (DPlace(7, 1, 2, 0, 12, 2),)),
    (14, (), (DFill(7, 6, 2),)),
    (15, (), (DPlace(4, 1, 1, 0, 101, 3),)),
    (16, (), (DPlace(5, 2, 1, 1, 99, 4),)),
    (17, (), (DPlace(6, 2, 1, 0, 90, 1),)),
    (18, (), (DPlace(7, 1, 1, 1, 90, 1),)),
]


@lru_cache(maxsize=1)
def book():
    state = new_state(P)
    for i, (time, reports, ops) in enumerate(BOOK):
        apply_batch(state, signed(state, *ops, salt=i + 1, time=time, reports=reports))
    assert state.account(1).cash == -438 and state.account(3).cash == 1024
    return state


def trace(*ops, salt: int = 99, time: int = TIME, reports=()):
    """The trace of ``ops`` on the book (signed ops signed with KEYS)."""
    return trace_batch(book(), signed(book(), *ops, salt=salt, time=time, reports=reports))


VALID = {
    # spot ops, in the spot slot (slot 0)
    "deposit_new": lambda: trace(Deposit(0, 1, 40, PK0)),
    "deposit": lambda: trace(Deposit(1, 0, 7)),
    "withdraw": lambda: trace(Withdraw(2, 1, 100)),
    "place": lambda: trace(Place(2, 1, 1, 0, 0, 10, 3)),
    "place_sell": lambda: trace(Place(2, 2, 1, 0, 1, 9, 4)),
    "cancel": lambda: trace(Cancel(0, 1)),
    "fill": lambda: trace(Fill(1, 0, 5)),          # taker sells at the maker's 10
    "fill_buyer_takes": lambda: trace(Fill(0, 1, 15)),  # taker buys at 8: refund 2/unit, maker emptied
    # account 1 buys from itself: taker buy at 12 meets its own sell at 9 (refund 3/unit)
    "fill_self": lambda: trace(Place(2, 1, 1, 0, 0, 12, 5), Fill(2, 3, 5)),
    "cancel_derivative": lambda: trace(Cancel(4, 1)),  # a derivatives order refunds nothing
    "index_report": lambda: trace(Deposit(1, 0, 7), reports=(index(0, 101, 19),)),
    # derivatives ops, in the full slot (slot 1)
    "list": lambda: trace(ListInstrument(3, PUT, 0, 90, 1000)),
    "margin_in": lambda: trace(Margin(1, 50)),
    "margin_out": lambda: trace(Margin(3, -100)),
    "dplace": lambda: trace(DPlace(2, 3, 1, 0, 99, 2)),
    "dfill": lambda: trace(DFill(5, 4, 2)),  # taker sells at 99 into account 1's buy at 101
    # account 1 (below IM at 90, above MM) sells 1 of its 5 futures to account 2: allowed, it only reduces
    "dfill_reduce": lambda: trace(DFill(7, 6, 1), reports=(index(0, 90, 20),)),
    "liquidate": lambda: trace(Liquidate(1, 3, 1, 2, 81), reports=(index(0, 80, 20),)),
    "settle": lambda: trace(Settle(1, 2), time=1000, reports=(settlement(book(), 2, 70),)),
    # a spot op in the full slot
    "withdraw_full": lambda: trace(Deposit(2, 0, 3), Withdraw(2, 1, 100)),
}


@lru_cache(maxsize=1)
def wire_names() -> frozenset[str]:
    return frozenset(build_circuit(P)[1].names)


def assert_batch_unsat(tr, set: dict[str, int], fails: str) -> str:
    """The circuit's R1CS rejects the trace's witness with ``set`` applied; the first failure is labelled ``fails``."""
    r1cs, _ = build_circuit(P)
    unknown = set.keys() - wire_names()
    assert not unknown, f"no such wires: {sorted(unknown)}"
    cs = prove_cs(P, tr, overrides=set, stop_at_failure=True)
    witness = cs.witness() + [0] * (r1cs.n_wires - cs.n_wires)
    failure = r1cs.first_failure(witness)
    assert failure is not None, "the tampered witness still satisfies the R1CS"
    assert failure == cs.first_failure
    assert failure[1] == fails, f"first failure is {failure[1]!r}, expected {fails!r}"
    return failure[1]


def honest_value(tr, name: str) -> int:
    cs = prove_cs(P, tr)
    return cs.values[cs.wire(name)]
