"""Run a batch on an overlay: time and reports, the K packed slots, the blind.

``trace_batch`` computes the ``BatchTrace`` without changing the state
(for ``zkob export wtns`` and the prover); ``apply_batch`` computes it and
commits the overlay's writes with a batch-log entry in one atomic step
(one SQLite transaction for a stored state). A rule violation raises
``Rejected`` (``MarketRejected`` for the time and the reports) before
anything is committed.

Order (trace.py, docs/protocol.md section 13): pack the ops into the K
slots (rule ``slot_layout``); time_monotonic and the reports in order
(oracle_rules.py; a settlement writes the instruments tree); each slot's
op under its rule function (rules.py, rules_derivatives.py) with time T
and the entries after the reports; then ``blind = H(salt, 2)``.

Cost per op: depth Poseidon-2 hashes per tree touched, a 6-input hash
per account leaf plus P + 1 for a changed positions hash, a 7-input one per
order leaf; about 6 ms per signature and per report signature.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from ..zk.poseidon_fast import hash2
from .batchfile import Batch
from .digest import bridge_digest, commitment
from .kv import BLIND, INSTRUMENTS, MARKET, LogEntry, Overlay
from .oracle_rules import apply_report, market_chain, time_monotonic
from .ops import Op, encode, is_signed, op_hash, signer, signing_message
from .rules import Context, Effects
from .rules_derivatives import APPLY
from .state import State
from .trace import (Authorization, BatchTrace, InstrumentUpdate, MarketTrace, OpTrace, ReportTrace, blind_of,
                    state_root)


def authorization(state: State, op: Op, hashed: int, effects: Effects) -> Authorization | None:
    """The signer, key, nonce before, venue, message and sig of a signed op (None for other ops).

    Read from the op's first account update, which is the signer's (rules
    checked the signature against the same leaf).
    """
    if not is_signed(op):
        return None
    old = effects.accounts[0].old
    sig = getattr(op, "sig", None)
    assert old is not None and sig is not None and effects.accounts[0].account == signer(op)
    venue = state.params.config.venue_id
    return Authorization(signer(op), (old.pk_x, old.pk_y), old.nonce, venue, signing_message(op, old.nonce, venue), sig)


def run_market(view: State, batch: Batch) -> MarketTrace:
    """time_monotonic and the reports, written to the view's overlay; the section's trace (M slots)."""
    params, cfg = view.params, view.params.config
    before = view.market
    time_monotonic(before, batch.time)
    market = replace(before, time=batch.time)
    instruments_root_before = view.instruments_root
    slots: list[ReportTrace] = []
    digest = 0
    for index, report in enumerate(batch.reports):
        effect = apply_report(index, report, market, cfg, view.instrument, params.instruments_depth)
        update = None
        if effect.settled is not None:
            i, leaf = effect.settled
            old = view.instrument(i)
            path, root_before, root_after = view.instruments_tree.update(i, leaf.hash())
            overlay_of_view(view).put(INSTRUMENTS, i, leaf)
            update = InstrumentUpdate(i, old, leaf, path, root_before, root_after)
        keys = tuple(cfg.oracle_keys[s.signer] for s in report.sigs)
        digest_after = hash2(digest, effect.report_hash)
        slots.append(ReportTrace(index, report, effect.report_hash, keys, market.oracle, effect.market.oracle,
                                 update, digest, digest_after))
        market, digest = effect.market, digest_after
    for index in range(len(batch.reports), params.reports):
        slots.append(ReportTrace(index, None, 0, (), market.oracle, market.oracle, None, digest, digest))
    overlay_of_view(view).put(MARKET, 0, market)
    return MarketTrace(params.config_hash, before, market, before.market_hash(params.config_hash),
                       market.market_hash(params.config_hash), tuple(slots), instruments_root_before,
                       view.instruments_root)


def overlay_of_view(view: State) -> Overlay:
    assert isinstance(view.source, Overlay), "a batch is computed on an overlay"
    return view.source


def run_slot(view: State, index: int, kind: str, op_index: int | None, op: Op) -> OpTrace:
    """One slot's op under its rule function; its OpTrace with every tree's roots around it."""
    roots = (view.accounts_root, view.orders_root, view.instruments_root)
    effects = APPLY[type(op)](Context(view, -1 if op_index is None else op_index, op), op)
    hashed = op_hash(op)
    return OpTrace(
        index=index, kind=kind, op_index=op_index, op=op, op_type=op.NAME,  # type: ignore[arg-type]
        encoding=encode(op), op_hash=hashed, orders=effects.orders, accounts=effects.accounts,
        instrument=effects.instrument, margin=effects.margin, auth=authorization(view, op, hashed, effects),
        accounts_root_before=roots[0], orders_root_before=roots[1], instruments_root_before=roots[2],
        accounts_root_after=view.accounts_root, orders_root_after=view.orders_root,
        instruments_root_after=view.instruments_root,
    )


def run_batch(state: State, batch: Batch) -> tuple[BatchTrace, Overlay]:
    """The trace and the uncommitted overlay of writes; the state is not changed."""
    committed = state.committed
    committed.refresh()
    overlay = Overlay(committed)
    view = State(state.params, overlay)
    params = state.params
    old_root, old_blind = view.root, view.blind
    slot_ops, op_indices = batch.placed(params)  # slot_layout first: it needs no state
    market = run_market(view, batch)
    traces = tuple(run_slot(view, i, kind, op_indices[i], op)
                   for i, (kind, op) in enumerate(zip(params.slot_kinds, slot_ops)))
    new_blind = blind_of(batch.salt)
    overlay.put(BLIND, 0, new_blind)
    last = traces[-1]
    new_root = state_root(last.accounts_root_after, last.orders_root_after, last.instruments_root_after,
                          market.market_hash_after, new_blind)
    assert new_root == view.root
    hashes = [t.op_hash for t in traces]
    listed = [t.op_hash for t in traces if t.op.SPEC.market]
    trace = BatchTrace(
        params=params, old_root=old_root, new_root=new_root, salt=batch.salt,
        commitment=commitment(batch.salt, hashes), bridge=bridge_digest([t.encoding[0] for t in traces], hashes),
        market=market_chain([r.message for r in market.reports if r.report is not None], listed)[-1],
        time=batch.time, old_blind=old_blind, new_blind=new_blind, market_trace=market, ops=traces,
    )
    return trace, overlay


def trace_batch(state: State, batch: Batch) -> BatchTrace:
    """The witness trace of ``batch`` applied to ``state``; the state is not changed.

    Raises ``Rejected`` (rule, op index, op type) if the time, a report or
    an op breaks a rule, and MalformedInput if the batch has more than K ops.
    """
    return run_batch(state, batch)[0]


def apply_batch(state: State, batch: Batch,
                check: Callable[[BatchTrace], None] | None = None) -> BatchTrace:
    """Apply ``batch`` and persist it with its log entry, atomically; return its trace.

    ``check`` (optional) sees the trace before anything is committed; if it
    raises, nothing is written (a replica comparing the public inputs with
    a proof's uses it to avoid computing the batch twice; the prover proves
    in it). If another writer committed a batch since this one was computed,
    the commit is refused (StoreError) and nothing is written. On
    ``Rejected`` (or any error) nothing is written.
    """
    seq = state.height + 1  # read before computing: if another writer commits meanwhile, the commit refuses
    trace, overlay = run_batch(state, batch)
    if check is not None:
        check(trace)  # may take long (a proof): the store's commit checks that seq is still the next one
    entry = LogEntry(
        seq=seq, old_root=trace.old_root, new_root=trace.new_root, commitment=trace.commitment,
        bridge=trace.bridge, market=trace.market, time=trace.time, salt=trace.salt, ops_json=batch.dumps(),
    )
    state.committed.commit(overlay.writes, entry)
    return trace
