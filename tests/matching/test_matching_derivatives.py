"""The demo's engine for derivatives (VenueFlow): price-time priority, its IM stop, and a venue's whole life
(bench/derivatives_flow.py) accepted batch after batch by the state machine, cut to the slot layout."""

from __future__ import annotations

import importlib.util
import random
from collections import Counter
from pathlib import Path

from zkob.state.api import new_state
from zkob.state.batchfile import parse_batch
from zkob.state.config import Config
from zkob.state.instruments import FUTURE
from zkob.state.matching import cut_batches, fits_slots
from zkob.state.matching_derivatives import VenueFlow
from zkob.state.oracle import committee_key
from zkob.state.params import Params
from zkob.state.protocol import BUY, SELL
from zkob.state.transition import apply_batch

COMMITTEE = (bytes([7, 1]) * 16, bytes([7, 2]) * 16)
PARAMS = Params(accounts_depth=4, orders_depth=5, assets_depth=2, batch_size=4,  # R = 2: slots spot, full, spot, full
                config=Config(oracle_keys=tuple(committee_key(k) for k in COMMITTEE), quorum=2, venue_id=99))
KEYS = {a: bytes([a, 0x5A]) * 16 for a in range(1, 9)}
SPEC = importlib.util.spec_from_file_location("derivatives_flow",
                                              Path(__file__).resolve().parents[2] / "bench" / "derivatives_flow.py")
FLOW = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(FLOW)


def _run(batches):
    state = new_state(PARAMS)
    for b in batches:
        apply_batch(state, parse_batch(b, PARAMS))
    return state


def test_a_venues_whole_life_is_accepted_and_conserves_collateral():
    batches = FLOW.venue_batches(PARAMS, KEYS, COMMITTEE, random.Random(2), orders=24)
    kinds = Counter(op["op"] for b in batches for op in b["ops"])
    assert all(kinds[k] for k in ("list", "margin", "dplace", "dfill", "liquidate", "settle")), kinds
    assert all(fits_slots([op["op"] for op in b["ops"]], PARAMS) for b in batches)
    state = _run(batches)
    assert all(not any(leaf.slots) for _, leaf in state.accounts())  # everyone settled
    collateral = sum(v for _, asset, v in state.balances() if asset == 1) + sum(l.cash for _, l in state.accounts())
    assert collateral == 10**9 * len(KEYS)


def _venue() -> tuple[VenueFlow, list[dict]]:
    flow = VenueFlow.for_params(PARAMS, KEYS, COMMITTEE)
    flow.time = 1
    report = flow.index_report(0, 100)
    ops = [flow.deposit(a, 1, 10**6) for a in (1, 2, 3, 4)] + [flow.list_instrument(1, FUTURE, 0, 0, 1000)]
    ops += [flow.margin(a, 10**5 if a != 4 else 25) for a in (1, 2, 3, 4)]
    return flow, [{"ops": chunk, "time": 1, "reports": [report] if i == 0 else []}
                  for i, chunk in enumerate(cut_batches(ops, PARAMS))]


def test_derivatives_orders_match_by_price_then_time_at_the_makers_price():
    flow, batches = _venue()
    ops = flow.dlimit(1, 1, SELL, 101, 2) + flow.dlimit(2, 1, SELL, 100, 2) + flow.dlimit(3, 1, SELL, 100, 2)
    assert [o["op"] for o in ops] == ["dplace"] * 3
    taker = flow.dlimit(4, 1, BUY, 105, 1)  # thin buyer: IM of 1 at 100 is 10; 25 of cash holds it
    assert [(o["op"], o.get("maker")) for o in taker] == [("dplace", None), ("dfill", int(ops[1]["order"]))]
    more = flow.dlimit(4, 1, BUY, 105, 5)  # 1 more from order 2 (IM 20 <= equity 25), then 2 of order 3
    assert [(o["op"], o.get("qty")) for o in more] == [("dplace", "5"), ("dfill", 1)]  # would need IM 40: stop
    state = _run(batches + [{"ops": chunk, "time": 1} for chunk in cut_batches(ops + taker + more, PARAMS)])
    sizes = {a: [s.size for s in state.account(a).slots if s] for a in (2, 4)}
    assert sizes == {2: [-2], 4: [2]} and state.account(4).cash == 25 - 200 and not any(state.account(3).slots)
