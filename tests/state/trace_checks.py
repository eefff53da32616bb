"""What the circuit checks of a BatchTrace, natively: the v2 trace contract (state/trace.py) as assertions.

``check_trace`` walks a trace the way the batch circuit will: the old root
from its parts, time, each report slot (signatures, oracle entries, the
settled instrument's path), each slot's op in its row's shape (orders,
accounts with legs, cash and one position, the instrument read or list,
the margin evaluations recomputed), the roots chained tree by tree, then
the blind, the new root and the three digests. Every test that builds a
trace runs it, so a trace that breaks the contract fails here first.
"""

from __future__ import annotations

from dataclasses import replace

from zkob.state import margin
from zkob.state.instruments import instrument_hash
from zkob.state.oracle import index_message, settlement_message
from zkob.state.positions import positions_hash
from zkob.state.protocol import OPS
from zkob.state.signed import to_field
from zkob.state.smt import empty_root
from zkob.state.trace import BatchTrace, OpTrace, account_hash, blind_of, order_hash, state_root
from zkob.zk.eddsa import verify_poseidon
from zkob.zk.poseidon import poseidon


def check_trace(t: BatchTrace) -> None:
    p, m = t.params, t.market_trace
    cfg = p.config
    assert len(t.ops) == p.batch_size and len(m.reports) == p.reports
    first = t.ops[0]
    assert m.config_hash == cfg.config_hash()
    assert m.market_hash_before == poseidon([m.before.time, m.config_hash, _oracle_hash(m.before.oracle)])
    assert m.market_hash_after == poseidon([t.time, m.config_hash, _oracle_hash(m.after.oracle)])
    assert t.old_root == state_root(first.accounts_root_before, first.orders_root_before,
                                    m.instruments_root_before, m.market_hash_before, t.old_blind)
    assert m.before.time <= t.time == m.after.time < 1 << 32
    digest = _check_reports(t)
    acc, ords, inst = first.accounts_root_before, first.orders_root_before, m.instruments_root_after
    c, b = t.salt, 0
    for i, op in enumerate(t.ops):
        assert op.index == i and op.kind == p.slot_kinds[i] and OPS[op.op_type].accepted_by(op.kind)
        assert (op.accounts_root_before, op.orders_root_before, op.instruments_root_before) == (acc, ords, inst)
        assert op.encoding[0] == type(op.op).TYPE and len(op.encoding) == 8
        assert op.op_hash == poseidon(list(op.encoding))
        acc, ords, inst = _check_op(t, op)
        c = poseidon([c, op.op_hash])
        if OPS[op.op_type].bridge:
            b = poseidon([b, op.op_hash])
        if OPS[op.op_type].market:
            digest = poseidon([digest, op.op_hash])
    assert t.new_blind == blind_of(t.salt) == poseidon([t.salt, 2])
    assert t.new_root == state_root(acc, ords, inst, m.market_hash_after, t.new_blind)
    assert (c, b, digest) == (t.commitment, t.bridge, t.market)
    assert t.public_inputs == (t.old_root, t.new_root, t.commitment, t.bridge, t.market, t.time)


def _oracle_hash(entries) -> int:
    return poseidon([v for e in entries for v in (e.price, e.ts)])


def _check_reports(t: BatchTrace) -> int:
    m, cfg = t.market_trace, t.params.config
    oracle, root, digest = m.before.oracle, m.instruments_root_before, 0
    seen_padding = False
    for j, r in enumerate(m.reports):
        assert r.index == j and r.oracle_before == oracle and r.digest_before == digest
        if r.report is None:
            seen_padding = True
            assert (r.message, r.signer_keys, r.instrument) == (0, (), None)
            assert r.oracle_after == oracle and r.digest_after == digest
            continue
        assert not seen_padding, "real reports come first"
        sigs = r.report.sigs
        assert len(sigs) == cfg.quorum and [s.signer for s in sigs] == sorted({s.signer for s in sigs})
        assert r.signer_keys == tuple(cfg.oracle_keys[s.signer] for s in sigs)
        assert all(verify_poseidon(r.message, s.sig, key) for s, key in zip(sigs, r.signer_keys))
        if r.report.KIND == "index":
            rep = r.report
            assert r.message == index_message(rep.underlying, rep.price, rep.ts) and r.instrument is None
            assert oracle[rep.underlying].ts < rep.ts <= t.time and 1 <= rep.price < 1 << 64
            expected = list(oracle)
            expected[rep.underlying] = replace(oracle[rep.underlying], price=rep.price, ts=rep.ts)
            assert r.oracle_after == tuple(expected)
        else:
            u = r.instrument
            assert u is not None and u.instrument == r.report.instrument and u.old is not None
            assert u.old.settle_price == 0 and u.old.expiry <= t.time
            assert u.new == u.old.with_settlement(r.report.price) and r.oracle_after == oracle
            assert r.message == settlement_message(u.old.underlying, u.old.expiry, r.report.price)
            assert u.root_before == root and u.path.verifies(u.old.hash(), root)
            assert u.path.verifies(u.new.hash(), u.root_after)
            root = u.root_after
        assert r.digest_after == poseidon([digest, r.message])
        oracle, digest = r.oracle_after, r.digest_after
    assert oracle == m.after.oracle and root == m.instruments_root_after
    return digest


def _check_op(t: BatchTrace, op: OpTrace) -> tuple[int, int, int]:
    p, spec = t.params, OPS[op.op_type]
    acc, ords, inst = op.accounts_root_before, op.orders_root_before, op.instruments_root_before
    assert len(op.orders) == len(spec.orders) and len(op.accounts) == len(spec.accounts)
    assert len(op.margin) == len(spec.margin) and (op.instrument is None) == (spec.instrument is None)
    for u, shape in zip(op.orders, spec.orders):
        assert u.order == getattr(op.op, shape.field) and u.orders_root_before == ords
        assert u.path.depth == p.orders_depth and u.path.index == u.order
        assert u.path.verifies(order_hash(u.old), ords) and u.path.verifies(order_hash(u.new), u.orders_root_after)
        assert (u.old is None) == (shape.change == "insert")
        ords = u.orders_root_after
    if op.instrument is not None:
        u = op.instrument
        assert u.root_before == inst and u.path.depth == p.instruments_depth and u.path.index == u.instrument
        assert u.path.verifies(instrument_hash(u.old), inst) and u.path.verifies(instrument_hash(u.new), u.root_after)
        if spec.instrument == "read":
            assert u.old == u.new is not None and u.root_after == inst
        else:
            assert u.old is None and u.new is not None and u.new.settle_price == 0
        inst = u.root_after
    for a, (u, shape) in enumerate(zip(op.accounts, spec.accounts)):
        assert u.accounts_root_before == acc and u.path.index == u.account and u.path.depth == p.accounts_depth
        assert u.path.verifies(account_hash(u.old), acc) and u.path.verifies(u.new.hash(), u.accounts_root_after)
        _check_leaf(u.new, p)
        assert len(u.legs) == shape.legs and (u.position is not None) == shape.position
        broot = u.old.balances_root if u.old is not None else empty_root(p.assets_depth)
        for leg in u.legs:
            assert leg.root_before == broot and leg.path.index == leg.asset and leg.path.depth == p.assets_depth
            assert leg.path.verifies(leg.old_amount, broot) and leg.path.verifies(leg.new_amount, leg.root_after)
            assert 0 <= leg.new_amount < 1 << 64
            broot = leg.root_after
        assert broot == u.new.balances_root
        old = u.old if u.old is not None else replace(u.new, nonce=0, cash=0, slots=(None,) * p.positions)
        signer = a == 0 and op.auth is not None
        assert (u.new.pk_x, u.new.pk_y, u.new.nonce) == (old.pk_x, old.pk_y, old.nonce + int(signer))
        if not shape.cash:
            assert u.new.cash == old.cash
        if u.position is None:
            assert u.new.slots == old.slots
        else:
            j = u.position
            changed = [k for k in range(p.positions) if u.new.slots[k] != old.slots[k]]
            assert changed == [j.slot] and j.instrument == op.instrument.instrument
            before, after = old.slots[j.slot], u.new.slots[j.slot]
            assert (0 if before is None else before.size) == j.old_size
            assert (0 if after is None else after.size) == j.new_size
            if after is not None:
                terms = op.instrument.old
                assert (after.instrument, after.kind, after.underlying, after.strike, after.expiry) == \
                    (j.instrument, terms.kind, terms.underlying, terms.strike, terms.expiry)
        acc = u.accounts_root_after
    _check_auth(op, p.config.venue_id)
    for check, shape in zip(op.margin, spec.margin):
        _check_margin(t, op, check, shape)
    assert (acc, ords, inst) == (op.accounts_root_after, op.orders_root_after, op.instruments_root_after)
    return acc, ords, inst


def _check_leaf(leaf, p) -> None:
    assert len(leaf.slots) == p.positions and abs(leaf.cash) < 1 << 96
    assert leaf.positions_hash == positions_hash(leaf.slots)
    assert leaf.hash() == poseidon([leaf.pk_x, leaf.pk_y, leaf.nonce, leaf.balances_root, to_field(leaf.cash),
                                    leaf.positions_hash])
    instruments = [s.instrument for s in leaf.slots if s is not None]
    assert len(instruments) == len(set(instruments)) and all(0 < abs(s.size) < 1 << 40 for s in leaf.slots if s)


def _check_auth(op: OpTrace, venue: int) -> None:
    """Signed ops carry who signed what, read from the signer's leaf (the first account update) before the op."""
    spec = OPS[op.op_type]
    if spec.signer is None:
        assert op.auth is None
        return
    a, signer = op.auth, op.accounts[0].old
    assert a.account == getattr(op.op, spec.signer) == op.accounts[0].account
    assert (a.pubkey, a.nonce, a.venue) == ((signer.pk_x, signer.pk_y), signer.nonce, venue)
    assert a.message == poseidon([venue, op.op_hash, a.nonce]) and a.sig == op.op.sig
    assert verify_poseidon(a.message, a.sig, a.pubkey)


def _check_margin(t: BatchTrace, op: OpTrace, check, shape) -> None:
    u = op.accounts[shape.account]
    leaf = u.old if shape.when == "before" else u.new
    assert (check.account_update, check.when, check.checks) == (shape.account, shape.when, shape.checks)
    assert (check.account, check.cash, check.slots) == (u.account, leaf.cash, leaf.slots)
    oracle, cfg = t.market_trace.after.oracle, t.params.config
    prices = [None if s is None else oracle[s.underlying].price for s in leaf.slots]
    assert list(check.prices) == prices
    if check.enabled:
        for s in leaf.slots:
            if s is not None:
                assert oracle[s.underlying].ts >= 1 and t.time - oracle[s.underlying].ts <= cfg.max_age
    assert check.equity == margin.equity(leaf.cash, leaf.slots, prices)
    assert check.initial_bp == margin.initial_margin_bp(leaf.slots, prices, cfg)
    assert check.maintenance_bp == margin.maintenance_margin_bp(leaf.slots, prices, cfg)
