"""The blind keeps a batch's private ops private (docs/protocol.md sections 3 and 9, "Closed in version 2").

An observer who knows the state before a batch and every public file of
it (public.json's six inputs, bridge.json, market.json) guesses its
private ops (a cancel, a fill, a dfill): a set of guesses that contains
the true ones and their nearest neighbours (``_guesses``). Under
version 1's root (a hash of the state's trees alone) the true guess
reproduces the published root and no other does: the attack works. Under
version 2 no guess reproduces new_root or the commitment, whatever salt
the observer tries; with the prover's salt the true guess does, so the
check is not vacuous. The bridge, market and time inputs depend only on
public records (every guess gives the same), so they tell guesses apart
no better than the records do. The commitment is no leak: its chain
starts from the salt, so ops without the salt do not reproduce it.

Cost: about 6 s of CPU: the venue (3 s) and 58 guesses traced as batches of
four slots (50 ms each, pure-Python Poseidon), 22 of them accepted.
"""

from __future__ import annotations

import itertools
from functools import lru_cache

import pytest
from state_helpers import FUT, TEST_KEYS, deposit, dplace, opened_venue, place

from zkob.state.api import trace_batch
from zkob.state.batchfile import Batch
from zkob.state.digest import bridge_record_json, commitment
from zkob.state.errors import Rejected
from zkob.state.feed import market_record_json
from zkob.state.ops import Cancel, DFill, Fill, Op
from zkob.state.signing import sign_ops
from zkob.state.state import State
from zkob.state.trace import BatchTrace, blind_of, state_root
from zkob.zk.poseidon import poseidon

SALT = 0x5EC12E7_0F_7E57  # the prover's secret salt for the batch under attack (a test value)
TRUE_OPS = (Cancel(3, 3), Fill(2, 1, 5), DFill(5, 4, 2))


def v1_root(trace: BatchTrace) -> int:
    """Version 1's rule: the state root is a hash of the state's trees and nothing else.

    Version 1 (docs/protocol.md before commit 7768cc2, section 3) defined
    the root as H(accounts_root, orders_root), its only two trees; over
    version 2's four non-blind children that rule is
    H(accounts_root, orders_root, instruments_root, market_hash), a
    deterministic function of the previous state and the ops. Version 1's
    formula is no longer in the code, so it is written here.
    """
    last = trace.ops[-1]
    return poseidon([last.accounts_root_after, last.orders_root_after, last.instruments_root_after,
                     trace.market_trace.market_hash_after])


@lru_cache(maxsize=1)
def _before() -> State:
    """The venue of opened_venue (time 100) with three spot orders and three futures orders open.

    Spot (base 2, quote 1): order 1, a buy of 20 at 10 by account 1; order 2, a sell of 15 at 9 by
    account 2; order 3, a sell of 5 at 11 by account 3. Futures: order 4, a buy of 3 at 101 by
    account 4; order 5, a sell of 4 at 99 by account 5; order 6, a sell of 2 at 100 by account 6.
    """
    v = opened_venue()
    v.run(deposit(2, 2, 100), deposit(3, 2, 100))
    v.run(place(1, 1, 2, 1, "buy", 10, 20), place(2, 2, 2, 1, "sell", 9, 15), place(3, 3, 2, 1, "sell", 11, 5))
    v.run(dplace(4, 4, FUT, "buy", 101, 3), dplace(5, 5, FUT, "sell", 99, 4), dplace(6, 6, FUT, "sell", 100, 2))
    return v.state


def _batch(state: State, ops: tuple[Op, ...], salt: int) -> Batch:
    return Batch(sign_ops(ops, TEST_KEYS, state), salt, True, state.market.time)


def _published() -> tuple[BatchTrace, dict, dict]:
    """The true batch's trace, and its public bridge.json and market.json."""
    state = _before()
    batch = _batch(state, TRUE_OPS, SALT)
    trace = trace_batch(state, batch)
    return trace, bridge_record_json(batch.ops), market_record_json(trace)


def _guesses(state: State) -> list[tuple[Op, ...]]:
    """The observer's guesses: the true batch with any one op replaced by another the observer
    could guess for its slot (a cancel of any open order, a fill of any two spot orders with qty
    1..6, a dfill of any two futures orders with qty 1..3). The set holds the truth and its nearest
    neighbours, the guesses hardest for a root to tell apart; the whole product of the three lists
    (about 3,900 batches) would take minutes of pure-Python hashing and prove nothing more."""
    orders = dict(state.orders())
    spot = [i for i, o in orders.items() if o.instrument == 0]
    futures = [i for i, o in orders.items() if o.instrument != 0]
    choices = ([Cancel(i, o.account) for i, o in orders.items()],
               [Fill(t, m, q) for t, m in itertools.permutations(spot, 2) for q in range(1, 7)],
               [DFill(t, m, q) for t, m in itertools.permutations(futures, 2) for q in range(1, 4)])
    guesses = list(dict.fromkeys(TRUE_OPS[:k] + (op,) + TRUE_OPS[k + 1:]
                                 for k, options in enumerate(choices) for op in options))
    assert TRUE_OPS in guesses
    return guesses


def _accepted(state: State, guesses: list[tuple[Op, ...]]) -> dict[tuple[Op, ...], BatchTrace]:
    """The guesses the state machine accepts, traced with a salt of the observer's (0): a guess it
    rejects cannot be the batch. The trees a trace ends with do not depend on the salt."""
    viable = {}
    for ops in guesses:
        try:
            viable[ops] = trace_batch(state, _batch(state, ops, 0))
        except Rejected:
            continue
    return viable


@lru_cache(maxsize=1)
def _attack() -> tuple[BatchTrace, dict[tuple[Op, ...], BatchTrace]]:
    state = _before()
    return _published()[0], _accepted(state, _guesses(state))


def test_the_guesses_are_many_and_contain_the_truth():
    true, viable = _attack()
    assert TRUE_OPS in viable and len(viable) >= 20, len(viable)
    assert len({v1_root(t) for t in viable.values()}) == len(viable)  # every guess is a different state


def v1_two_tree_root(trace: BatchTrace) -> int:
    """Version 1's formula itself, H(accounts_root, orders_root), on the trees the batch leaves."""
    last = trace.ops[-1]
    return poseidon([last.accounts_root_after, last.orders_root_after])


@pytest.mark.parametrize("root", [v1_root, v1_two_tree_root], ids=["v1_rule_on_v2_trees", "v1_formula"])
def test_under_the_version_1_root_the_true_guess_is_found(root):
    """The attack version 2 closes: the unblinded root names the batch's private ops."""
    true, viable = _attack()
    published_v1 = root(true)
    assert [ops for ops, t in viable.items() if root(t) == published_v1] == [TRUE_OPS]


def test_under_the_version_2_root_no_guess_reproduces_new_root_or_the_commitment():
    """Whatever blind or salt the observer tries (none, the previous state's blind, salts it might
    guess), no guess gives the public new_root or commitment."""
    true, viable = _attack()
    state = _before()
    salts = [0, 1, 2, SALT - 1, SALT + 1, state.blind]
    blinds = [0, state.blind] + [blind_of(s) for s in salts]
    for ops, t in viable.items():
        last = t.ops[-1]
        children = (last.accounts_root_after, last.orders_root_after, last.instruments_root_after,
                    t.market_trace.market_hash_after)
        assert all(state_root(*children, b) != true.new_root for b in blinds), ops
        assert v1_root(t) != true.new_root
        hashes = [slot.op_hash for slot in t.ops]
        assert all(commitment(s, hashes) != true.commitment for s in salts), ops


def test_with_the_salt_the_true_guess_reproduces_new_root_and_the_commitment_and_no_other_does():
    """(So the previous test is not vacuous: the roots and commitment are functions of ops and salt.)"""
    true, viable = _attack()
    hits = []
    for ops, t in viable.items():
        last = t.ops[-1]
        root = state_root(last.accounts_root_after, last.orders_root_after, last.instruments_root_after,
                          t.market_trace.market_hash_after, blind_of(SALT))
        if root == true.new_root:
            assert commitment(SALT, [slot.op_hash for slot in t.ops]) == true.commitment
            hits.append(ops)
    assert hits == [TRUE_OPS]


def test_the_other_public_values_are_functions_of_the_public_records():
    """old_root, bridge, market and time are the same for every guess and recomputed from the public
    files: they carry nothing about the private ops beyond bridge.json and market.json."""
    true, viable = _attack()
    _, bridge_json, market_json = _published()
    assert bridge_json == {"ops": [], "bridge": str(true.bridge)}  # no bridge op: bridge.json is empty
    assert market_json["market"] == str(true.market) and market_json["time"] == true.time
    for t in viable.values():
        assert (t.old_root, t.bridge, t.market, t.time) == (true.old_root, true.bridge, true.market, true.time)


def test_the_blind_changes_every_batch():
    """The same ops with two salts give two roots and two commitments (the trees are equal)."""
    state = _before()
    a = trace_batch(state, _batch(state, TRUE_OPS, SALT))
    b = trace_batch(state, _batch(state, TRUE_OPS, SALT + 1))
    assert v1_root(a) == v1_root(b)
    assert a.new_blind != b.new_blind and a.new_root != b.new_root and a.commitment != b.commitment
    assert a.new_blind == blind_of(SALT) and a.old_blind == state.blind != 0
