"""Shared helpers for the state tests: tiny params, batches from dicts, snapshots, a dense reference."""

from __future__ import annotations

from functools import lru_cache

from zkob.state.batchfile import Batch, parse_batch
from zkob.state.config import Config
from zkob.state.oracle import IndexReport, SettlementReport, committee_key, report_to_json, sign_report
from zkob.state.params import Params
from zkob.state.rules import remainder_escrow
from zkob.state.signing import sign_ops
from zkob.state.state import State
from zkob.zk.eddsa import private_to_public
from zkob.zk.field import R
from zkob.zk.poseidon import poseidon

U64 = 1 << 64
COMMITTEE = tuple(bytes([0xC0 + k, 0x11]) * 16 for k in range(3))  # oracle committee private keys
CONFIG = Config(oracle_keys=tuple(committee_key(k) for k in COMMITTEE), quorum=2, venue_id=4242)
TINY = Params(accounts_depth=3, orders_depth=3, assets_depth=2, batch_size=4, underlyings=2,
              instruments_depth=3, positions=2, reports=2, derivatives_slots=2, config=CONFIG)
#: every slot full: derivatives tests put up to four derivatives ops in a batch
DERIV = Params(accounts_depth=3, orders_depth=3, assets_depth=2, batch_size=4, underlyings=2,
               instruments_depth=3, positions=2, reports=2, derivatives_slots=4, config=CONFIG)


def key(account: int) -> bytes:
    """Account ``account``'s private key in the tests (any 32 bytes are a key)."""
    return bytes([account % 256, 0x5A]) * 16


TEST_KEYS = {a: key(a) for a in range(256)}


def batch(*ops: dict, salt: int | None = 5, params: Params | None = None, state: State | None = None,
          time: int | None = None, reports: tuple = ()) -> Batch:
    """Parse op dicts; with ``state``, sign the signed ops with the test keys for it.

    ``time`` defaults to the state's time (or 0); ``reports`` are report
    objects or dicts. ``params`` defaults to the state's (or TINY).
    """
    params = params or (state.params if state is not None else TINY)
    if time is None:
        time = 0 if state is None else state.market.time
    data: dict = {"ops": list(ops), "time": time,
                  "reports": [r if isinstance(r, dict) else report_to_json(r) for r in reports]}
    if salt is not None:
        data["salt"] = str(salt)
    parsed = parse_batch(data, params, require_sigs=False)
    if state is None:
        return parsed
    return Batch(sign_ops(parsed.ops, TEST_KEYS, state), parsed.salt, parsed.salt_given, parsed.time,
                 parsed.reports)


def index(underlying: int, price: int, ts: int, signers: tuple[int, ...] = (0, 1)) -> IndexReport:
    """An index report signed by these committee members (COMMITTEE), in signer order."""
    report = IndexReport(underlying, price, ts)
    for k in signers:
        report = sign_report(report, COMMITTEE[k], k)
    return report  # type: ignore[return-value]


def settlement(instrument: int, price: int, terms, signers: tuple[int, ...] = (0, 1)) -> SettlementReport:
    """A settlement report of a listed instrument (its terms) signed by these committee members."""
    report = SettlementReport(instrument, price)
    for k in signers:
        report = sign_report(report, COMMITTEE[k], k, terms)
    return report  # type: ignore[return-value]


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
        out.append(batch(*ops, salt=salt, params=params, state=scratch))
        apply_batch(scratch, out[-1])
    return out


@lru_cache(maxsize=None)
def pk(account: int) -> tuple[int, int]:
    """The public key of ``key(account)``."""
    return private_to_public(key(account))


def snapshot(state: State) -> tuple:
    """Everything observable about a state (for "unchanged" assertions)."""
    return (state.root, state.height, tuple(state.accounts()), tuple(state.balances()),
            tuple(state.orders()), tuple(state.instruments()), state.market, state.blind, tuple(state.log()))


def dense_root(depth: int, leaves: dict[int, int]) -> int:
    """Merkle root computed from scratch over all 2^depth leaves (independent of smt.py)."""
    level = [leaves.get(i, 0) for i in range(1 << depth)]
    for _ in range(depth):
        level = [poseidon([level[i], level[i + 1]]) for i in range(0, len(level), 2)]
    return level[0]


def reference_root(state: State) -> int:
    """State root recomputed from the logical contents (accounts, balances, orders, instruments, market, blind)."""
    p = state.params
    per_account: dict[int, dict[int, int]] = {}
    for account, asset, amount in state.balances():
        per_account.setdefault(account, {})[asset] = amount
    account_leaves = {}
    for account, leaf in state.accounts():
        balances_root = dense_root(p.assets_depth, per_account.get(account, {}))
        assert leaf.balances_root == balances_root
        slot_hashes = [0 if s is None else poseidon([s.instrument, s.kind, s.underlying, s.strike, s.expiry,
                                                     s.size % R]) for s in leaf.slots]
        account_leaves[account] = poseidon([leaf.pk_x, leaf.pk_y, leaf.nonce, balances_root, leaf.cash % R,
                                            poseidon(slot_hashes)])
    assert set(per_account) <= set(account_leaves), "balances of a never-created account"
    order_leaves = {i: poseidon([o.account, o.base, o.quote, o.side, o.price, o.remaining, o.instrument])
                    for i, o in state.orders()}
    instrument_leaves = {i: poseidon([t.kind, t.underlying, t.strike, t.expiry, t.settle_price])
                         for i, t in state.instruments()}
    market = state.market
    oracle_hash = poseidon([v for e in market.oracle for v in (e.price, e.ts)])
    market_hash = poseidon([market.time, p.config.config_hash(), oracle_hash])
    return poseidon([dense_root(p.accounts_depth, account_leaves), dense_root(p.orders_depth, order_leaves),
                     dense_root(p.instruments_depth, instrument_leaves), market_hash, state.blind])


def holdings(state: State) -> dict[int, int]:
    """Per asset: sum of balances + open escrow."""
    total: dict[int, int] = {}
    for _, asset, amount in state.balances():
        total[asset] = total.get(asset, 0) + amount
    for _, order in state.orders():
        asset, amount = remainder_escrow(order)
        total[asset] = total.get(asset, 0) + amount
    return {a: v for a, v in total.items() if v}


# -- a derivatives venue for the section 10 tests --------------------------------------------------
FUT, CALL, PUT = 1, 2, 3  # instrument ids the venue lists (a future and a call on u0, a put on u1)
EXPIRY = 1000


def margin(account, amount) -> dict:
    return {"op": "margin", "account": account, "amount": str(amount)}


def listing(instrument, kind, underlying, strike, expiry=EXPIRY) -> dict:
    return {"op": "list", "instrument": instrument, "kind": kind, "underlying": underlying, "strike": str(strike),
            "expiry": expiry}


def dplace(order, account, instrument, side, price, qty) -> dict:
    return {"op": "dplace", "order": order, "account": account, "instrument": instrument, "side": side,
            "price": str(price), "qty": str(qty)}


def dfill(taker, maker, qty) -> dict:
    return {"op": "dfill", "taker": taker, "maker": maker, "qty": str(qty)}


def liquidate(account, liquidator, instrument, qty, price) -> dict:
    return {"op": "liquidate", "account": account, "liquidator": liquidator, "instrument": instrument,
            "qty": str(qty), "price": str(price)}


def settle(account, instrument) -> dict:
    return {"op": "settle", "account": account, "instrument": instrument}


class Venue:
    """A state on DERIV params that runs batches at a time, checks every trace, and asserts rejections.

    ``run`` applies (and checks the trace contract); ``rejects`` asserts a
    named rejection at an index with the state unchanged; ``copy`` forks it.
    """

    def __init__(self, params: Params = DERIV, state: State | None = None, time: int = 0):
        from zkob.state.api import new_state

        self.state = state or new_state(params)
        self.time = time
        self.salt = 100

    def copy(self) -> "Venue":
        import copy

        return Venue(state=State(self.state.params, copy.deepcopy(self.state.source)), time=self.time)

    def batch(self, *ops: dict, time: int | None = None, reports: tuple = ()) -> Batch:
        self.salt += 1
        return batch(*ops, salt=self.salt, state=self.state, time=self.time if time is None else time,
                     reports=reports)

    def run(self, *ops: dict, time: int | None = None, reports: tuple = ()):
        from trace_checks import check_trace

        from zkob.state.api import apply_batch

        trace = apply_batch(self.state, self.batch(*ops, time=time, reports=reports))
        check_trace(trace)
        self.time = trace.time
        assert self.state.root == reference_root(self.state)
        return trace

    def rejects(self, rule: str, index: int, *ops: dict, time: int | None = None, reports: tuple = ()):
        import pytest

        from zkob.state.api import apply_batch
        from zkob.state.errors import Rejected

        before = snapshot(self.state)
        b = self.batch(*ops, time=time, reports=reports)
        with pytest.raises(Rejected) as info:
            apply_batch(self.state, b)
        assert (info.value.rule, info.value.op_index) == (rule, index), str(info.value)
        assert snapshot(self.state) == before
        return info.value

    def cash(self, account: int) -> int:
        return self.state.account(account).cash

    def size(self, account: int, instrument: int) -> int:
        from zkob.state.positions import size_of

        return size_of(self.state.account(account).slots, instrument)

    def free_orders(self, n: int) -> list[int]:
        free = [i for i in range(1, 1 << self.state.params.orders_depth) if self.state.order(i) is None]
        return free[:n]

    def trade_ops(self, buyer: int, seller: int, instrument: int, qty: int, price: int) -> list[dict]:
        """A resting offer by the seller, the buyer's bid taking it at ``price`` (three full-slot ops)."""
        ask, bid = self.free_orders(2)
        return [dplace(ask, seller, instrument, "sell", price, qty), dplace(bid, buyer, instrument, "buy", price, qty),
                dfill(bid, ask, qty)]


def opened_venue(cash: dict[int, int] | None = None) -> Venue:
    """Accounts 1-6 with 10^9 of collateral; FUT, CALL (strike 100) on u0 and PUT (strike 50) on u1 listed;
    prices u0 = 100, u1 = 40 at time 100; ``cash`` moves margin in per account (default 10^6 each)."""
    v = Venue()
    funds = [deposit(a, 1, 10**9, pk(a)) for a in range(1, 7)]
    v.run(*funds[:4], time=50)
    v.run(*funds[4:], listing(FUT, "future", 0, 0), listing(CALL, "call", 0, 100), time=50)
    v.run(listing(PUT, "put", 1, 50), time=100, reports=(index(0, 100, 100), index(1, 40, 100, (1, 2))))
    moves = [margin(a, c) for a, c in (cash or {a: 10**6 for a in range(1, 7)}).items()]
    for i in range(0, len(moves), 4):
        v.run(*moves[i:i + 4])
    return v
