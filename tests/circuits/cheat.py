"""A cheating prover's traces: the state machine with some rules waived, and re-signed reports and ops.

A cheating prover runs its own state machine. ``cheat(waive, *ops)`` is
scenario.trace with the named rules skipped (``Context.require``, the
report rules' ``_require``, ``require_im`` for margin_im), so every witness
value a rule's violation implies (new leaves, siblings, margin figures) is
recomputed consistently, and the circuit's first failing constraint is the
rule's own. ``report_sets`` / ``op_sigs`` override a trace's report or
full-slot op with values honestly signed by the committee / the account.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from unittest import mock

from zkob.state import accounts, oracle_rules, rules_derivatives
from zkob.state.api import apply_batch, new_state, trace_batch
from zkob.state.errors import ZkobError
from zkob.state.state import State
from zkob.state.ops import Op, signing_message
from zkob.state.positions import Position
from zkob.state.rules import Context
from zkob.zk.eddsa import sign_poseidon

from .scenario import BOOK, CONFIG, FULL, KEYS, P, TIME, signed, trace


@lru_cache(maxsize=4)
def book_with(extra: tuple) -> State:
    """scenario's book with these further ``(time, reports, ops)`` batches applied (each state built once)."""
    state = new_state(P)
    for i, (time, reports, ops) in enumerate([*BOOK, *extra]):
        apply_batch(state, signed(state, *ops, salt=i + 1, time=time, reports=reports))
    return state


def trace_on(state: State, *ops: Op, salt: int = 99, time: int = TIME, reports=()):
    """The trace of ``ops`` on ``state`` (not changed), signed ops signed with KEYS."""
    return trace_batch(state, signed(state, *ops, salt=salt, time=time, reports=reports))


@contextmanager
def waiving(*rules: str) -> Iterator[None]:
    """The state machine with ``rules`` not enforced (only inside the block)."""
    real_require, real_report_require, real_im = Context.require, oracle_rules._require, rules_derivatives.require_im

    def require(self, ok, rule, detail):
        if rule not in rules:
            real_require(self, ok, rule, detail)

    def report_require(ok, rule, index, detail):
        if rule not in rules:
            real_report_require(ok, rule, index, detail)

    def require_im(ctx, check, shrank=False):
        if "margin_im" not in rules:
            real_im(ctx, check, shrank)

    def slot_for(slots, instrument):  # positions_full waived: a full account's change goes to slot 0
        j = real_slot_for(slots, instrument)
        return 0 if j is None and "positions_full" in rules else j

    def with_size(slots, j, instrument, terms, size):  # no size or slot checks (the rules are the circuit's)
        if "size_range" in rules or "positions_full" in rules:
            new = None if size == 0 else Position(instrument, terms.kind, terms.underlying, terms.strike, terms.expiry,
                                                  size)
            return slots[:j] + (new,) + slots[j + 1:]
        return real_with_size(slots, j, instrument, terms, size)

    real_slot_for, real_with_size = accounts.slot_for, accounts.with_size
    with mock.patch.object(Context, "require", require), mock.patch.object(oracle_rules, "_require", report_require), \
            mock.patch.object(rules_derivatives, "require_im", require_im), \
            mock.patch.object(accounts, "slot_for", slot_for), mock.patch.object(accounts, "with_size", with_size):
        yield


def cheat(waive: tuple[str, ...], *ops: Op, on: State | None = None, **kw):
    """scenario.trace(*ops, **kw) (or trace_on(on, ...)) computed by a state machine that does not enforce ``waive``.

    The honest state machine refuses the batch by ``waive[0]`` (checked first).
    """
    def run():
        return trace(*ops, **kw) if on is None else trace_on(on, *ops, **kw)
    try:
        run()
    except ZkobError as exc:
        assert getattr(exc, "rule", None) == waive[0], f"refused by {getattr(exc, 'rule', exc)!r}, not {waive[0]!r}"
    else:
        raise AssertionError(f"the state machine accepts the batch: {waive[0]} is not violated")
    with waiving(*waive):
        return run()


def report_sets(report, slot: int = 0) -> dict[str, int]:
    """Overrides putting a signed index report's fields and signatures in report slot ``slot``."""
    name = f"report[{slot}]"
    sets = {f"{name}/underlying": report.underlying, f"{name}/price": report.price, f"{name}/ts": report.ts}
    for j, s in enumerate(report.sigs):
        sets.update({f"{name}/sig[{j}]/signer": s.signer, f"{name}/sig[{j}]/R8_x": s.sig.R8[0],
                     f"{name}/sig[{j}]/R8_y": s.sig.R8[1], f"{name}/sig[{j}]/S": s.sig.S})
    return sets


def op_sigs(tr, op: Op, account: int, slot: int = FULL) -> dict[str, int]:
    """Overrides of slot ``slot``'s signature wires: ``op`` signed by ``account`` at the trace's nonce."""
    nonce = tr.ops[slot].auth.nonce
    sig = sign_poseidon(KEYS[account], signing_message(op, nonce, CONFIG.venue_id))
    return {f"op[{slot}]/sig/R8_x": sig.R8[0], f"op[{slot}]/sig/R8_y": sig.R8[1], f"op[{slot}]/sig/S": sig.S}
