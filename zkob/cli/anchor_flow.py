"""The on-chain walkthrough (README, ``zkob anchor demo``): deposit, prove, submit, withdraw.

Glue between the prover (zkob/pipeline) and the anchor package, on a local
py-evm chain: alice (chain account 1) deposits ETH for venue account 1,
mallory (account 3) queues a deposit naming a key that is not on Baby
Jubjub, bob (account 2) deposits test tokens for venue account 2.
Batch 1 takes alice's and bob's deposits, refuses mallory's (refunded),
places alice's sell order and withdraws part of her ETH; batch 2 places
bob's buy order, fills it against alice's and withdraws what each got.
Everyone claims. No printing: steps go to ``report``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..anchor.calldata import load_out_dir
from ..anchor.evm import Chain
from ..anchor.operator import admit_deposits
from ..anchor.rollup import Rollup, deploy_rollup
from ..state.api import State, create_state
from ..state.batchfile import Batch, random_salt
from ..state.config import Config
from ..state.ops import Fill, Op, Place, Withdraw
from ..state.protocol import BUY, SELL
from ..state.params import Params
from ..state.signing import sign_ops
from ..zk.eddsa import private_to_public
from ..pipeline.keyfiles import load_vk
from ..pipeline.prove import load_prover, prove_batch
from ..pipeline.setup import make_keys

# protocol v2 in its simplest form (a spot venue: spot slots only, the smallest market section)
PARAMS = Params(accounts_depth=3, orders_depth=3, assets_depth=2, batch_size=4, underlyings=1, instruments_depth=1,
                positions=1, reports=1, derivatives_slots=0, config=Config(venue_id=0xA2C408))
ETH, TOKEN = 1, 2                  # venue asset ids (rollup.deploy_rollup's defaults)
ALICE, BOB, MALLORY = 1, 2, 3      # chain account index = venue account id
KEYS = {ALICE: bytes([0xA1]) * 32, BOB: bytes([0xB0]) * 32}


@dataclass
class Walkthrough:
    """What happened: the chain and rollup (to inspect), gas per step, what each user claimed."""

    workdir: Path
    chain: Chain
    rollup: Rollup
    state: State
    keys_dir: Path
    gas: dict[str, int] = field(default_factory=dict)
    claimed: dict[tuple[str, int], int] = field(default_factory=dict)   # (user, asset) -> base units


def _submit(w: Walkthrough, name: str, out_dir: Path, refused: tuple[int, ...], head: int) -> None:
    proven = load_out_dir(out_dir)
    outcome = w.rollup.submit(proven.proof, proven.public, proven.record(refused, head))
    if not outcome.ok:
        raise RuntimeError(f"{name} refused by the rollup: {w.rollup.error_name(outcome)}")
    w.gas[name] = outcome.gas_used


def run_walkthrough(root: Path, report: Callable[[str], None], backend: str = "auto",
                    keys_dir: Path | None = None) -> Walkthrough:
    """Run every step in ``root`` (state, keys, proofs); raises on any step that fails.

    ``keys_dir``: development keys already made for ``PARAMS`` (``zkob setup``
    on a 3/3/2, K = 4 state), so the slowest step is skipped; by default new
    keys are made in ``root/keys``. Keys for other parameters are refused.
    """
    state = create_state(root / "state", PARAMS)
    if keys_dir is None:
        report("creating the venue's state and development keys (3/3/2, K = 4)")
        keys_dir = root / "keys"
        make_keys(PARAMS, keys_dir, backend=backend)
    else:
        report(f"creating the venue's state (3/3/2, K = 4); keys from {keys_dir}")
    prover = load_prover(PARAMS, keys_dir, backend)
    report("deploying the verifier, Poseidon code, test token and ZkobRollup on a local EVM")
    chain = Chain()
    rollup = deploy_rollup(chain, load_vk(keys_dir / "verification_key.json"), state.root,
                           accounts_depth=PARAMS.accounts_depth)
    w = Walkthrough(root, chain, rollup, state, keys_dir)
    pub = {user: private_to_public(key) for user, key in KEYS.items()}

    report("alice deposits 100 (ETH, in gwei), mallory 1 naming a key off the curve, bob 5000 (tokens)")
    for name, (user, asset, amount, key) in {"deposit alice": (ALICE, ETH, 100, pub[ALICE]),
                                             "deposit mallory": (MALLORY, ETH, 1, (5, 6)),
                                             "deposit bob": (BOB, TOKEN, 5000, pub[BOB])}.items():
        outcome = rollup.deposit(user, user, asset, amount, key)
        if not outcome.ok:
            raise RuntimeError(f"{name} failed: {rollup.error_name(outcome)}")
        w.gas[name] = outcome.gas_used

    report("batch 1: the operator takes the queue, refuses mallory's deposit, alice sells and withdraws")
    admission = admit_deposits(state, rollup.queued_deposits(), room=2, time=chain.time)
    ops: list[Op] = [*admission.deposits, Place(1, ALICE, ETH, TOKEN, SELL, 30, 10), Withdraw(ALICE, ETH, 5)]
    _prove_and_submit(w, "batch 1", root / "batch1", ops, admission.refused, admission.queue_head, prover)

    report("batch 2: bob buys, the orders fill, both withdraw what they got")
    ops = [Place(2, BOB, ETH, TOKEN, BUY, 31, 4), Fill(2, 1, 4), Withdraw(ALICE, TOKEN, 120), Withdraw(BOB, ETH, 4)]
    _prove_and_submit(w, "batch 2", root / "batch2", ops, (), rollup.queue_head, prover)

    report("everyone claims what the batches credited")
    for name, user in (("alice", ALICE), ("bob", BOB), ("mallory", MALLORY)):
        for asset in (ETH, TOKEN):
            value = rollup.claimable(chain.accounts[user], asset)
            if value:
                outcome = rollup.claim(user, asset)
                if not outcome.ok:
                    raise RuntimeError(f"{name}'s claim failed: {rollup.error_name(outcome)}")
                w.claimed[(name, asset)] = value
                w.gas[f"claim {name} {'ETH' if asset == ETH else 'token'}"] = outcome.gas_used
    return w


def _prove_and_submit(w: Walkthrough, name: str, out_dir: Path, ops: list[Op], refused: tuple[int, ...],
                      head: int, prover) -> None:
    signed = sign_ops(ops, KEYS, w.state)
    # the batch's time is the chain's latest block time: the rollup accepts it in the next block
    # (not later than block time + slack, not before the time it stores)
    batch = Batch(tuple(signed), random_salt(), time=w.chain.time)
    prove_batch(w.state, batch, w.keys_dir, out_dir, prover=prover)
    _submit(w, name, out_dir, refused, head)
