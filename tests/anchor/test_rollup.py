"""ZkobRollup's rules in the EVM, on the toy statement circuit (the contract reads only public inputs).

Every refusal is checked by its error name and leaves root, height and
queue untouched. The real batch circuit's path is test_rollup_batches.py.
"""

from __future__ import annotations

import pytest

from zkob.anchor.layout import layout_of
from zkob.anchor.record import TAG_DEPOSIT, TAG_REFUSE, TAG_WITHDRAW
from zkob.anchor.rollup import deposit_op_hash
from zkob.state.ops import Deposit, Withdraw
from zkob.zk.curve import g1_neg, g2_neg
from zkob.zk.field import Q, R
from zkob.zk.groth16.data import Proof

from rollup_helpers import ALICE, BOB, CAROL, GENESIS, GWEI, PUB, make_venue

pytestmark = [pytest.mark.interop, pytest.mark.slow]  # solc-js in node; proofs verified in py-evm

V1 = layout_of(("old_root", "new_root", "commitment", "bridge"))  # no time check: the rules below
V2 = layout_of(("old_root", "new_root", "commitment", "bridge", "market", "time"))  # DESIGN.md section 5


@pytest.fixture
def venue(chain):
    return make_venue(chain, V1)


def test_layout_v2_is_the_protocol_zkob_speaks():
    assert layout_of() == V2 and V2.has_time and V2.has_market and V2.index("time") == 5


def snapshot(rollup):
    return (rollup.root, rollup.height, rollup.queue_head, rollup.queue_tail)


def refused(venue, error, *args, **kwargs):
    before = snapshot(venue.rollup)
    outcome, _, _ = venue.submit(*args, **kwargs)
    assert not outcome.ok and venue.rollup.error_name(outcome) == error
    assert snapshot(venue.rollup) == before


def test_two_batches_with_deposits_and_withdrawals_pay_exactly(venue):
    rollup, chain = venue.rollup, venue.rollup.chain
    alice, bob, carol = (chain.accounts[i] for i in (ALICE, BOB, CAROL))
    d1, d2 = Deposit(1, 1, 100, PUB[ALICE]), Deposit(2, 2, 500, PUB[BOB])
    first = rollup.deposit(ALICE, d1.account, d1.asset, d1.amount, PUB[ALICE])
    assert first.ok
    (bound, owner), (queued, event) = rollup.events(first)
    assert (bound, owner["account"], queued) == ("AccountBound", 1, "Deposited")
    assert event["opHash"] == deposit_op_hash(1, 1, 100, PUB[ALICE])
    assert rollup.deposit(BOB, 2, 2, 500, PUB[BOB]).ok
    assert chain.balance(rollup.address) == 100 * GWEI and rollup.token_balance(rollup.address) == 500

    outcome, _, public = venue.submit([d1, d2, Withdraw(1, 1, 40)])
    assert outcome.ok, rollup.error_name(outcome)
    names = [name for name, _ in rollup.events(outcome)]
    assert names == ["Withdrawal", "BatchAccepted"]
    accepted = rollup.events(outcome)[-1][1]
    assert (accepted["height"], accepted["newRoot"], accepted["depositsConsumed"]) == (1, public[1], 2)
    assert (rollup.root, rollup.height, rollup.queue_head) == (public[1], 1, 2)
    assert rollup.owner(1) == alice and rollup.owner(2) == bob

    d3 = Deposit(1, 1, 7)   # carol tops up alice's account: no key, no new owner
    assert rollup.deposit(CAROL, 1, 1, 7).ok
    outcome, _, _ = venue.submit([d3, Withdraw(2, 2, 300), Withdraw(1, 1, 60)])
    assert outcome.ok, rollup.error_name(outcome)
    assert rollup.owner(1) == alice and rollup.height == 2
    assert rollup.claimable(alice, 1) == 100 * GWEI and rollup.claimable(bob, 2) == 300
    assert rollup.claimable(carol, 1) == 0

    before = chain.balance(alice)
    claim = rollup.claim(ALICE, 1)
    assert claim.ok and chain.balance(alice) - before == 100 * GWEI - claim.gas_used * 10 ** 9
    assert rollup.claim(BOB, 2).ok and rollup.token_balance(bob) == 300
    assert chain.balance(rollup.address) == 7 * GWEI and rollup.token_balance(rollup.address) == 200
    again = rollup.claim(ALICE, 1)
    assert rollup.error_name(again) == "NothingToClaim"


def test_replayed_batch_and_its_malleated_copy_are_refused(venue):
    rollup = venue.rollup
    d = Deposit(1, 1, 10, PUB[ALICE])
    rollup.deposit(ALICE, 1, 1, 10, PUB[ALICE])
    outcome, proof, public = venue.submit([d])
    assert outcome.ok
    before = snapshot(rollup)
    for p in (proof, Proof(g1_neg(proof.a), g2_neg(proof.b), proof.c)):
        again = rollup.submit(p, public, [TAG_DEPOSIT])
        assert rollup.error_name(again) == "WrongOldRoot"
    assert snapshot(rollup) == before


def test_wrong_old_root_is_refused(venue):
    refused(venue, "WrongOldRoot", [], old_root=GENESIS + 1)


def test_record_that_omits_a_queued_deposit_is_refused(venue):
    rollup = venue.rollup
    rollup.deposit(ALICE, 1, 1, 10, PUB[ALICE])
    rollup.deposit(BOB, 2, 1, 20, PUB[BOB])
    skipped = [Deposit(2, 1, 20, PUB[BOB])]          # the batch took the second deposit only
    refused(venue, "BridgeMismatch", skipped)                         # the record consumes the first
    refused(venue, "BridgeMismatch", skipped, record=[])              # or none at all


def test_record_that_invents_a_withdrawal_is_refused(venue):
    rollup = venue.rollup
    rollup.deposit(ALICE, 1, 1, 10, PUB[ALICE])
    d = Deposit(1, 1, 10, PUB[ALICE])
    refused(venue, "BridgeMismatch", [d], record=[TAG_DEPOSIT, TAG_WITHDRAW, 1, 1, 10])


def test_refused_deposit_is_refunded(venue):
    rollup, chain = venue.rollup, venue.rollup.chain
    bad_key = (5, 6)                                              # not on Baby Jubjub: the venue refuses it
    assert rollup.deposit(CAROL, 3, 1, 30, bad_key).ok
    assert rollup.deposit(ALICE, 1, 2, 40, PUB[ALICE]).ok
    outcome, _, _ = venue.submit([Deposit(1, 2, 40, PUB[ALICE])], record=[TAG_REFUSE, TAG_DEPOSIT])
    assert outcome.ok, rollup.error_name(outcome)
    assert [n for n, _ in rollup.events(outcome)] == ["DepositRefused", "BatchAccepted"]
    assert rollup.claimable(chain.accounts[CAROL], 1) == 30 * GWEI
    assert rollup.owner(3) == chain.accounts[CAROL]               # still hers: she may deposit again with a good key
    assert rollup.queue_head == 2


def test_a_key_for_an_account_someone_owns_is_refused_top_ups_are_not(venue):
    """Nobody can create an account ahead of its owner with the owner's public key and collect its withdrawals."""
    rollup, chain = venue.rollup, venue.rollup.chain
    assert rollup.deposit(ALICE, 1, 1, 10, PUB[ALICE]).ok
    for key in (PUB[ALICE], PUB[BOB]):
        taken = rollup.deposit(BOB, 1, 1, 10, key)
        assert rollup.error_name(taken) == "AccountTaken"
    assert rollup.queue_tail == 1 and chain.balance(rollup.address) == 10 * GWEI
    assert rollup.deposit(BOB, 1, 1, 3).ok                        # a top-up without a key: anyone
    assert rollup.deposit(ALICE, 1, 1, 4, PUB[ALICE]).ok          # the owner may name the key again
    assert rollup.owner(1) == chain.accounts[ALICE] and rollup.queue_tail == 3


def test_invalid_proofs_are_refused(venue):
    rollup = venue.rollup
    public = venue.statement([])
    refused(venue, "InvalidProof", [], proof_for=[public[0], public[1] + 1, *public[2:]])
    _, proof, public = venue.submit([], proof_for=[public[0], public[1] + 1, *public[2:]])
    high = Proof((proof.a[0] + Q, proof.a[1]), proof.b, proof.c)       # a coordinate >= q: the verifier reverts
    bad = rollup.submit(high, public, [])
    assert rollup.error_name(bad) == "InvalidProof"
    plus_r = rollup.submit(proof, [public[0], public[1] + R, *public[2:]], [])   # an input + r
    assert rollup.error_name(plus_r) == "InvalidProof"


def test_malformed_records_are_refused(venue):
    refused(venue, "QueueExhausted", [], record=[TAG_DEPOSIT])
    refused(venue, "BadRecord", [], record=[7])
    refused(venue, "BadRecord", [], record=[TAG_WITHDRAW, 1, 1])
    refused(venue, "NoOwner", [Withdraw(1, 1, 5)])


@pytest.mark.parametrize("args, value, error", [
    ((1, 1, 0, PUB[ALICE]), 0, "BadAmount"),
    ((1, 1, 2 ** 64, PUB[ALICE]), 0, "BadAmount"),
    ((1, 3, 5, PUB[ALICE]), 0, "UnknownAsset"),
    ((1, 1, 5, PUB[ALICE]), 4 * GWEI, "BadValue"),
    ((8, 1, 5, PUB[ALICE]), 5 * GWEI, "BadAccount"),
    ((1, 1, 5, (R, 1)), 5 * GWEI, None),            # a key coordinate >= r: the Poseidon code reverts
])
def test_deposit_rules(venue, args, value, error):
    rollup, chain = venue.rollup, venue.rollup.chain
    outcome = chain.transact(rollup.address, rollup._deposit_data(*args), sender=ALICE, value=value, gas=2_000_000)
    assert not outcome.ok and rollup.error_name(outcome) == error
    assert rollup.queue_tail == 0 and chain.balance(rollup.address) == 0


def test_v2_layout_checks_time_and_reports_market(chain):
    venue = make_venue(chain, V2)
    rollup = venue.rollup
    now = chain.time + 12                                            # the next block's timestamp
    outcome, _, public = venue.submit([], time=now + 250)            # within the 300 s slack
    assert outcome.ok, rollup.error_name(outcome)
    event = rollup.events(outcome)[-1][1]
    assert (event["market"], event["batchTime"]) == (55, now + 250) and rollup.time == now + 250
    refused(venue, "TimeBackwards", [], time=now + 249)
    assert venue.submit([], time=now + 250)[0].ok                    # equal time is not backwards
    refused(venue, "TimeAhead", [], time=chain.time + 12 + 301)
