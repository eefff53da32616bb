"""A derivatives venue's whole life as batch objects, for bench_state.py (and its test).

Made by the demo's engine (zkob.state.matching_derivatives.VenueFlow), so
every batch is valid in sequence: deposits and listings of a future, a call
and a put with quorum-signed index prices; margin in for every account;
random limit orders matched by price then time (thin accounts sell, well
funded ones buy, so some end short on little margin); a 15% price move
and the liquidations it allows; expiry, settlement reports and the
settlement of every holder. Each phase is cut into batches that fit the
slot layout (matching.cut_batches); a phase's reports ride on its first
batch. Costs about 5 ms per signed op to make (EdDSA signing).
"""

from __future__ import annotations

import random

from zkob.state.instruments import CALL, FUTURE, PUT
from zkob.state.matching import cut_batches
from zkob.state.matching_derivatives import VenueFlow
from zkob.state.params import Params
from zkob.state.protocol import BUY, SELL

EXPIRY = 10_000
INSTRUMENTS = ((1, FUTURE, 0, 0), (2, CALL, 0, 2000), (3, PUT, 1, 100))
START = {0: 2000, 1: 100}


def committee_keys(n: int, rng: random.Random) -> tuple[bytes, ...]:
    return tuple(rng.randbytes(32) for _ in range(n))


def venue_batches(params: Params, keys: dict[int, bytes], committee: tuple[bytes, ...], rng: random.Random,
                  orders: int = 120) -> list[dict]:
    """The batch objects ({"ops", "time", "reports", "salt"}) of a venue's life; ``orders`` limit orders."""
    flow = VenueFlow.for_params(params, keys, committee)
    accounts = sorted(keys)
    thin = set(accounts[::2])
    batches: list[dict] = []

    def phase(time: int, ops: list[dict], reports: list[dict] = ()) -> None:  # type: ignore[assignment]
        flow.time = time
        cut = cut_batches(ops, params) if ops else [[{"op": "noop"}]]
        reports = list(reports)
        for chunk in cut:
            mine, reports = reports[:params.reports], reports[params.reports:]
            batches.append({"ops": chunk, "time": time, "reports": mine, "salt": str(len(batches) + 1)})
        while reports:  # more reports than one batch holds: noop batches carry the rest
            mine, reports = reports[:params.reports], reports[params.reports:]
            batches.append({"ops": [{"op": "noop"}], "time": time, "reports": mine, "salt": str(len(batches) + 1)})

    c = params.config.collateral
    flow.time = 1
    prices = [flow.index_report(u, p) for u, p in START.items()]
    phase(1, [flow.deposit(a, c, 10**9) for a in accounts] +
          [flow.list_instrument(i, kind, u, strike, EXPIRY) for i, kind, u, strike in INSTRUMENTS], prices)
    phase(2, [flow.margin(a, 1500 if a in thin else 10**6) for a in accounts])
    ops: list[dict] = []
    flow.time = 3
    for _ in range(orders):
        account = rng.choice(accounts)
        instrument, kind, u, strike = rng.choice(INSTRUMENTS)
        side = SELL if account in thin else BUY
        value = max(1, START[u] if kind == FUTURE else 1 + abs(START[u] - strike) + START[u] // 20)
        price = max(1, value + rng.randint(-value // 50 - 1, value // 50 + 1))
        ops.extend(flow.dlimit(account, instrument, side, price, rng.randint(1, 5)))
    phase(3, ops)
    flow.time = 4
    moved = [flow.index_report(0, START[0] * 115 // 100), flow.index_report(1, START[1] * 85 // 100)]
    liquidations = []
    rich = [a for a in accounts if a not in thin]
    for a in accounts:
        for slot in [s for s in flow.account(a).slots if s is not None]:
            op = flow.liquidate(a, rng.choice(rich), slot.instrument, abs(slot.size))
            if op is not None:
                liquidations.append(op)
    phase(4, liquidations, moved)
    flow.time = EXPIRY
    settlements = [flow.settlement_report(i, START[u] * 11 // 10) for i, _, u, _ in INSTRUMENTS]
    holders = [(a, s.instrument) for a in accounts for s in flow.account(a).slots if s is not None]
    phase(EXPIRY, [], settlements)
    phase(EXPIRY, [flow.settle(a, i) for a, i in holders])
    return batches
