"""The on-chain walkthrough with real zkob batch proofs (3/3/2, K = 4): paid exactly, replays refused."""

from __future__ import annotations

import pytest

from zkob.zk.field import R

pytestmark = [pytest.mark.prove, pytest.mark.slow, pytest.mark.interop]

GWEI = 10 ** 9


@pytest.fixture(scope="module")
def walkthrough(evm_tools, walkthrough_keys, tmp_path_factory):
    from zkob.cli.anchor_flow import run_walkthrough

    steps: list[str] = []
    return run_walkthrough(tmp_path_factory.mktemp("anchor-walkthrough"), steps.append,
                           keys_dir=walkthrough_keys), steps


def test_two_proven_batches_pay_exactly(walkthrough):
    from zkob.cli.anchor_flow import ETH, TOKEN

    w, steps = walkthrough
    rollup, chain = w.rollup, w.chain
    assert len(steps) == 6
    assert (rollup.root, rollup.height, rollup.queue_head, rollup.queue_tail) == (w.state.root, 2, 3, 3)
    assert w.claimed == {("alice", ETH): 5 * GWEI, ("alice", TOKEN): 120, ("bob", ETH): 4 * GWEI,
                         ("mallory", ETH): 1 * GWEI}
    # the venue keeps what it still owes: 100 + 1 deposited - 5 - 4 withdrawn - 1 refunded; 5000 - 120 tokens
    assert chain.balance(rollup.address) == 91 * GWEI
    assert rollup.token_balance(rollup.address) == 4880
    assert rollup.token_balance(chain.accounts[1]) == 120
    names = [name for name, _ in rollup.events()]
    assert names.count("BatchAccepted") == 2 and names.count("Withdrawal") == 3
    assert names.count("DepositRefused") == 1 and names.count("AccountBound") == 3
    assert [rollup.owner(a) for a in (1, 2, 3)] == [chain.accounts[a] for a in (1, 2, 3)]


def test_zkob_batch_proofs_verify_and_replays_are_refused(walkthrough):
    from zkob.anchor.calldata import load_out_dir

    w, _ = walkthrough
    rollup = w.rollup
    first = load_out_dir(w.workdir / "batch1")
    verdict = rollup.verify(first.proof, first.public)
    assert verdict.ok and verdict.output[-1] == 1
    plus_r = rollup.verify(first.proof, [first.public[0] + R, *first.public[1:]])
    assert not plus_r.ok
    before = (rollup.root, rollup.height)
    replay = rollup.submit(first.proof, first.public, first.record((1,), 0))
    assert rollup.error_name(replay) == "WrongOldRoot" and (rollup.root, rollup.height) == before
