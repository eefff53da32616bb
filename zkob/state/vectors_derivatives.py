"""Derivatives vectors (vectors/derivatives.json): a venue's life, every section 10 rule, margin figures, reports.

On vectors.py's ``PARAMS`` (K = 4 with two full slots, U = 2, D_I = 3,
P = 2, M = 2, a committee of three with quorum 2, venue_id 7):

- ``DerivativesHistory``: listing a future, a call and a put; margin in;
  index reports; a future and a call traded by dplace/dfill; the price
  moves, account 2 falls below MM and account 7 liquidates half of it;
  expiry, the committee's settlement reports, every position settled;
  margin out. Each batch with its six public values.
- ``DerivativesRejection``: batches applied to the state after history
  batch ``REJECTION_BASE`` (open positions, fresh prices), each rejected
  by one rule of section 10 (flags), at a named report or op, with the
  state unchanged.
- ``MarginCases``: Equity, IM_bp and MM_bp of one position per instrument
  kind, long and short, in and out of the money (state/margin.py), under
  the default rates.
- ``ReportSignature``: index and settlement report messages with the
  committee's signatures; valid ones, and a tampered S, a signature by
  another member and a signature of another price.

``histories()`` returns the traces of both histories (vectors.py's and
this one) for tests that walk real traces. Costs ~30 s (signatures).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..zk.eddsa import Signature, sign_poseidon, signature_to_json, verify_poseidon
from ..zk.babyjub import L
from .api import apply_batch, new_state
from .batchfile import Batch
from .errors import Rejected
from .instruments import CALL, FUTURE, PUT, Instrument, kind_to_json
from .margin import equity, initial_margin_bp, maintenance_margin_bp
from .oracle import IndexReport, OracleSignature, SettlementReport, report_to_json, sign_report
from .positions import Position
from .protocol import RULES
from .state import State
from .trace import BatchTrace
from .vectors import COMMITTEE, KEYS, PARAMS, PK, _signed, public_json

C = PARAMS.config.collateral


def _deposit(account: int, amount: int, key: bool = True) -> dict:
    op: dict[str, Any] = {"op": "deposit", "account": account, "asset": C, "amount": str(amount)}
    if key:
        op["pubkey"] = [str(PK[account][0]), str(PK[account][1])]
    return op


def _list(i: int, kind: int, u: int, strike: int, expiry: int) -> dict:
    return {"op": "list", "instrument": i, "kind": kind_to_json(kind), "underlying": u, "strike": str(strike),
            "expiry": expiry}


def _margin(account: int, amount: int) -> dict:
    return {"op": "margin", "account": account, "amount": str(amount)}


def _dplace(order: int, account: int, i: int, side: str, price: int, qty: int) -> dict:
    return {"op": "dplace", "order": order, "account": account, "instrument": i, "side": side,
            "price": str(price), "qty": str(qty)}


def _dfill(taker: int, maker: int, qty: int) -> dict:
    return {"op": "dfill", "taker": taker, "maker": maker, "qty": qty}


def _liquidate(account: int, liquidator: int, i: int, qty: int, price: int) -> dict:
    return {"op": "liquidate", "account": account, "liquidator": liquidator, "instrument": i, "qty": qty,
            "price": str(price)}


def _settle(account: int, i: int) -> dict:
    return {"op": "settle", "account": account, "instrument": i}


def index(u: int, price: int, ts: int, signers: tuple[int, ...] = (0, 1)) -> dict:
    """An index report signed by these committee members, as a batch file holds it."""
    report: IndexReport | SettlementReport = IndexReport(u, price, ts)
    for k in signers:
        report = sign_report(report, COMMITTEE[k], k)
    return report_to_json(report)


def settlement(i: int, price: int, terms: Instrument, signers: tuple[int, ...] = (0, 2)) -> dict:
    report: IndexReport | SettlementReport = SettlementReport(i, price)
    for k in signers:
        report = sign_report(report, COMMITTEE[k], k, terms)
    return report_to_json(report)


FUT, CALL_I, PUT_I = 1, 2, 3
EXPIRY = 1000
TERMS = {FUT: Instrument(FUTURE, 0, 0, EXPIRY), CALL_I: Instrument(CALL, 0, 100, EXPIRY),
         PUT_I: Instrument(PUT, 1, 50, EXPIRY)}

#: (comment, time, reports, ops); slots are spot full spot full
HISTORY: list[tuple[str, int, list[dict], list[dict]]] = [
    ("three accounts deposit collateral (asset 1); a future and a call on underlying 0 are listed", 100, [],
     [_deposit(1, 50_000), _list(FUT, FUTURE, 0, 0, EXPIRY), _deposit(2, 50_000), _list(CALL_I, CALL, 0, 100, EXPIRY)]),
    ("the first index prices (signers 0, 1 and 1, 2); a put on underlying 1 is listed; account 1 moves margin in",
     110, [index(0, 100, 105), index(1, 40, 110, (1, 2))],
     [_deposit(7, 50_000), _list(PUT_I, PUT, 1, 50, EXPIRY), _margin(1, 20_000)]),
    ("account 2 moves 150 to cash; account 1 bids 10 futures at 100", 120, [],
     [_margin(2, 150), _dplace(1, 1, FUT, "buy", 100, 10)]),
    ("account 2 offers 10 futures at 100; account 7 moves margin in", 125, [],
     [_dplace(2, 2, FUT, "sell", 100, 10), _margin(7, 30_000)]),
    ("the future trades 10 at the maker's 100: account 2 is short 10 with equity 150 (IM 100, MM 50)", 130, [],
     [_dfill(2, 1, 10)]),
    ("the index rises to 110: account 2 (equity 50, MM 55) is liquidated by account 7 for 5 contracts at 110", 140,
     [index(0, 110, 140)], [_liquidate(2, 7, FUT, 5, 110)]),
    ("account 7 bids 3 calls at 6; account 1 offers 2 calls at 5", 150, [],
     [_dplace(3, 7, CALL_I, "buy", 6, 3), _dplace(4, 1, CALL_I, "sell", 5, 2)]),
    ("account 1's offer takes the bid: 2 calls at the maker's 6; account 2 bids a put at 2", 160, [],
     [_dfill(4, 3, 2), _dplace(5, 2, PUT_I, "buy", 2, 1)]),
    ("expiry: the committee's settlement price 120 of underlying 0 at 1000 settles both instruments (one message)",
     1000, [settlement(FUT, 120, TERMS[FUT]), settlement(CALL_I, 120, TERMS[CALL_I])],
     [_settle(1, CALL_I), _settle(7, CALL_I)]),
    ("the futures settle at 120: account 1 gets 1200, account 2 pays 600 (cash 0)", 1001, [],
     [_settle(1, FUT), _settle(2, FUT)]),
    ("account 7 cancels its last call bid (no refund) and its short settles; account 1 moves 1000 back", 1002, [],
     [{"op": "cancel", "order": 3, "account": 7}, _settle(7, FUT), _margin(1, -1000)]),
]
REJECTION_BASE = 8  # rejections apply to the state after the first 8 batches (open positions and orders 3, 5)

T = 170  # a batch time after the base: prices of u0 (ts 140) and u1 (ts 110) are 30 and 60 s old
_D = _deposit(1, 1, key=False)
#: (rule, what is rejected, its index in reports or ops (-1: the time), time, reports, ops)
REJECTIONS: list[tuple[str, str, int, int, list[dict], list[dict]]] = [
    ("time_monotonic", "time", -1, 159, [], [_D]),
    ("report_underlying", "report", 0, T, [index(2, 100, T)], [_D]),
    ("report_price", "report", 0, T, [index(0, 0, T)], [_D]),
    ("report_price", "report", 0, T, [index(0, 1 << 64, T)], [_D]),
    ("report_stale", "report", 1, T, [index(0, 111, 150), index(0, 112, 150)], [_D]),
    ("report_stale", "report", 0, T, [index(0, 111, T + 1)], [_D]),
    ("report_stale", "report", 0, T, [index(0, 111, 140)], [_D]),
    ("report_quorum", "report", 0, T, [index(0, 111, T, (1,))], [_D]),
    ("report_quorum", "report", 0, T, [index(0, 111, T, (0, 1, 2))], [_D]),
    ("report_quorum", "report", 0, T, [dict(index(0, 111, T), sigs=index(0, 111, T)["sigs"][::-1])], [_D]),
    ("report_quorum", "report", 0, T, [dict(index(0, 111, T), price="112")], [_D]),
    ("report_instrument", "report", 0, T, [settlement(5, 120, TERMS[FUT])], [_D]),
    ("settle_early", "report", 0, T, [settlement(FUT, 120, TERMS[FUT])], [_D]),
    ("settle_twice", "report", 1, EXPIRY, [settlement(FUT, 120, TERMS[FUT]), settlement(FUT, 121, TERMS[FUT])],
     [_D]),
    ("id_range", "list", 0, T, [], [_list(0, FUTURE, 0, 0, EXPIRY)]),
    ("instrument_free", "list", 0, T, [], [_list(FUT, FUTURE, 0, 0, EXPIRY)]),
    ("list_underlying", "list", 0, T, [], [_list(4, FUTURE, 2, 0, EXPIRY)]),
    ("list_strike", "list", 0, T, [], [_list(4, FUTURE, 0, 1, EXPIRY)]),
    ("list_strike", "list", 0, T, [], [_list(4, CALL, 0, 0, EXPIRY)]),
    ("list_expiry", "list", 0, T, [], [_list(4, PUT, 0, 50, T)]),
    ("list_expiry", "list", 0, T, [], [_list(4, PUT, 0, 50, 1 << 32)]),
    ("slot_layout", "list", 3, T, [], [_list(4, PUT, 0, 50, EXPIRY), _D, _D, _list(6, PUT, 0, 60, EXPIRY)]),
    ("cash_negative", "withdraw", 1, EXPIRY, [settlement(FUT, 200, TERMS[FUT])],
     [_settle(2, FUT), {"op": "withdraw", "account": 2, "asset": C, "amount": "1"}]),
    ("amount_positive", "margin", 0, T, [], [_margin(1, 0)]),
    ("amount_range", "margin", 0, T, [], [_margin(1, -(1 << 64))]),
    ("insufficient_balance", "margin", 0, T, [], [_margin(1, 40_000)]),
    ("insufficient_cash", "margin", 0, T, [], [_margin(2, -601)]),
    ("margin_im", "margin", 0, T, [], [_margin(2, -1)]),
    ("price_stale", "margin", 0, 201, [], [_margin(1, -1)]),
    ("instrument_listed", "dplace", 0, T, [], [_dplace(6, 1, 4, "buy", 1, 1)]),
    ("instrument_live", "dplace", 0, EXPIRY, [], [_dplace(6, 1, FUT, "buy", 1, 1)]),
    ("qty_range", "dplace", 0, T, [], [_dplace(6, 1, FUT, "buy", 1, 1 << 40)]),
    ("price_positive", "dplace", 0, T, [], [_dplace(6, 1, FUT, "buy", 0, 1)]),
    ("slot_free", "dplace", 0, T, [], [_dplace(3, 1, FUT, "buy", 1, 1)]),
    ("order_kind", "fill", 1, T, [], [{"op": "place", "order": 6, "account": 1, "base": 2, "quote": C,
                                       "side": "buy", "price": "1", "qty": "1"}, {"op": "fill", "taker": 6,
                                                                                   "maker": 3, "qty": 1}]),
    ("order_kind", "dfill", 1, T, [], [{"op": "place", "order": 6, "account": 1, "base": 2, "quote": C,
                                        "side": "buy", "price": "1", "qty": "1"}, _dfill(6, 3, 1)]),
    ("self_trade", "dfill", 1, T, [], [_dplace(6, 7, CALL_I, "sell", 6, 1), _dfill(6, 3, 1)]),
    ("same_market", "dfill", 1, T, [], [_dplace(6, 1, FUT, "sell", 6, 1), _dfill(6, 3, 1)]),
    ("margin_im", "dfill", 1, T, [], [_dplace(6, 2, CALL_I, "sell", 6, 2), _dfill(6, 3, 1)]),
    ("positions_full", "dfill", 1, T, [], [_dplace(6, 7, PUT_I, "sell", 2, 1), _dfill(6, 5, 1)]),
    ("self_liquidation", "liquidate", 0, T, [], [_liquidate(2, 2, FUT, 1, 110)]),
    ("position_held", "liquidate", 0, T, [], [_liquidate(2, 1, CALL_I, 1, 10)]),
    ("not_liquidatable", "liquidate", 0, T, [], [_liquidate(1, 7, FUT, 1, 110)]),
    ("qty_exceeds_position", "liquidate", 0, T, [index(0, 125, T)], [_liquidate(2, 7, FUT, 6, 125)]),
    ("liq_price", "liquidate", 0, T, [index(0, 125, T)], [_liquidate(2, 7, FUT, 1, 130)]),
    ("liq_worsens", "liquidate", 0, T, [index(0, 9400, T)], [_liquidate(7, 1, CALL_I, 1, 9018)]),
    ("instrument_settled", "settle", 0, T, [], [_settle(1, FUT)]),
]


def _apply_history(state: State, entries: list) -> list[BatchTrace]:
    return [apply_batch(state, _signed(state, ops, 2000 + i, time, reports))
            for i, (_, time, reports, ops) in enumerate(entries)]


def histories() -> list[BatchTrace]:
    """The traces of vectors.py's spot history and of this derivatives history (for tests)."""
    from .vectors import HISTORY as SPOT

    spot = new_state(PARAMS)
    traces = [apply_batch(spot, _signed(spot, ops, 1000 + i, 10 * (i + 1))) for i, (_, ops) in enumerate(SPOT)]
    return traces + _apply_history(new_state(PARAMS), HISTORY)


def _history_cases() -> list[dict[str, Any]]:
    state, cases = new_state(PARAMS), []
    for i, ((comment, _, _, _), trace) in enumerate(zip(HISTORY, _apply_history(state, HISTORY))):
        batch = Batch(tuple(t.op for t in trace.ops if t.op_index is not None), trace.salt, True, trace.time,
                      tuple(r.report for r in trace.market_trace.reports if r.report is not None))
        cases.append({"comment": comment, "batch": batch.to_json(), **public_json(trace),
                      "slots": [t.op_index for t in trace.ops], "result": "valid", "flags": []})
    return cases


def _rejection_cases() -> list[dict[str, Any]]:
    base = new_state(PARAMS)
    _apply_history(base, HISTORY[:REJECTION_BASE])
    cases = []
    for rule, what, where, time, reports, ops in REJECTIONS:
        batch = _signed(base, ops, 1, time, reports)
        try:
            apply_batch(base, batch)
        except Rejected as err:
            assert (err.rule, err.op_type, err.op_index) == (rule, what, where), (rule, err)
        else:
            raise AssertionError(f"derivatives vector {rule} was not rejected")
        cases.append({"comment": f"{what} breaking {rule}", "batch": batch.to_json(), "rejected": what,
                      "index": where, "result": "invalid", "flags": [rule]})
    return cases


#: (kind, strike, size, cash, index price): one position per case
MARGIN = [(FUTURE, 0, 2, 100, 100), (FUTURE, 0, -2, 300, 100), (FUTURE, 0, -3, 20, 90),
          (CALL, 100, 3, -10, 120), (CALL, 100, -3, 200, 120), (CALL, 100, -3, 100, 80), (CALL, 100, 1, 0, 80),
          (PUT, 50, 4, -5, 40), (PUT, 50, -4, 100, 40), (PUT, 50, -4, 30, 60), (PUT, 50, -1, 0, 200)]


def _margin_cases() -> list[dict[str, Any]]:
    cfg, cases = PARAMS.config, []
    for kind, strike, size, cash, price in MARGIN:
        slots = (Position(1, kind, 0, strike, EXPIRY, size),)
        e, im, mm = equity(cash, slots, [price]), initial_margin_bp(slots, [price], cfg), \
            maintenance_margin_bp(slots, [price], cfg)
        side = "long" if size > 0 else "short"
        cases.append({"comment": f"{side} {abs(size)} {kind_to_json(kind)} strike {strike} at index {price}",
                      "kind": kind_to_json(kind), "strike": str(strike), "size": str(size), "cash": str(cash),
                      "price": str(price), "equity": str(e), "initial_bp": str(im), "maintenance_bp": str(mm),
                      "meets_im": 10**4 * e >= im, "below_mm": 10**4 * e < mm, "result": "valid", "flags": []})
    return cases


def _signature_cases() -> list[dict[str, Any]]:
    keys = PARAMS.config.oracle_keys
    out = []
    for report in (IndexReport(0, 110, 140), SettlementReport(CALL_I, 120)):
        terms = TERMS[CALL_I] if isinstance(report, SettlementReport) else None
        message = report.message(terms)
        for k in range(len(keys)):
            sig = sign_poseidon(COMMITTEE[k], message)
            variants = [("valid", "", sig, k),
                        ("invalid", "S + 1", Signature(sig.R8, (sig.S + 1) % L), k),
                        ("invalid", "claims another member", sig, (k + 1) % len(keys)),
                        ("invalid", "signs another price", sign_poseidon(COMMITTEE[k], message + 1), k)]
            for result, why, s, claimed in variants:
                assert verify_poseidon(message, s, keys[claimed]) == (result == "valid")
                out.append({"comment": f"{report.KIND} report, member {k}" + (f": {why}" if why else ""),
                            "report": report_to_json(replace(report, sigs=(OracleSignature(claimed, s),))),
                            "message": str(message), "pubkey": [str(c) for c in keys[claimed]],
                            "result": result, "flags": [] if result == "valid" else ["report_quorum"]})
    return out


def build() -> dict:
    """vectors/derivatives.json as a JSON-ready dict (decimal strings, tcIds from 1)."""
    groups = [("DerivativesHistory", _history_cases()), ("DerivativesRejection", _rejection_cases()),
              ("MarginCases", _margin_cases()), ("ReportSignature", _signature_cases())]
    n = 0
    for _, tests in groups:
        for test in tests:
            n += 1
            test["tcId"] = n
            test.setdefault("comment", "")
    flags = sorted({f for _, tests in groups for t in tests for f in t["flags"]})
    return {
        "algorithm": "zkob derivatives venue: time, oracle reports, instruments, margin, liquidation, settlement "
                     "(docs/protocol.md, protocol version 2)",
        "generator": "zkob.state.vectors_derivatives",
        "numberOfTests": n,
        "header": [
            "Params as vectors/state.json's (params.json form below). Apply the DerivativesHistory batches in order to",
            "an empty state; each must give its six public values; 'slots' is where the packing put each op (op index",
            "per slot, null for a padding noop). Each DerivativesRejection batch applies to the state after the first",
            f"{REJECTION_BASE} history batches and is rejected by the rule in its flags at the named report or op",
            "('time' with index -1 for the batch time). MarginCases give Equity, IM_bp and MM_bp (state/margin.py) of",
            "one position under these params' rates. ReportSignature cases are committee signatures of a report's",
            "message (H(1, u, p, t) or H(2, u, expiry, P)) by oracle_keys[signer]: valid or not.",
        ],
        "notes": {flag: RULES[flag] for flag in flags},
        "params": PARAMS.to_dict(),
        "privateKeys": {str(a): k.hex() for a, k in KEYS.items()},
        "committeeKeys": [k.hex() for k in COMMITTEE],
        "testGroups": [{"type": name, "tests": tests} for name, tests in groups],
    }
