"""Shared by the security regression tests: a tiny statement circuit, its keys, and light-client steps.

The circuit has the batch statement's shape (four public inputs
[old_root, new_root, commitment, bridge]) but two constraints, so a
setup and a proof cost well under a second.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import pytest

from zkob.state.lightclient import Step
from zkob.zk.field import R
from zkob.zk.groth16.data import Proof, VerifyingKey
from zkob.zk.groth16.keys import ProvingKey
from zkob.zk.groth16.prove import prove
from zkob.zk.groth16.setup import setup
from zkob.zk.r1cs import R1CS, Constraint


def statement_circuit() -> R1CS:
    """Wires: 0 one, 1..4 public [old, new, commitment, bridge], 5 = old * new (private)."""
    return R1CS(n_wires=6, n_public=4, constraints=[
        Constraint({1: 1}, {2: 1}, {5: 1}, "product"),
        Constraint({3: 1, 4: 1}, {0: 1}, {3: 1, 4: 1}, "bind commitment and bridge"),
    ])


@dataclass(frozen=True)
class Keys:
    r1cs: R1CS
    pk: ProvingKey
    vk: VerifyingKey

    def proof(self, public: tuple[int, int, int, int], seed: int = 0) -> Proof:
        old, new, commitment, bridge = public
        witness = [1, old, new, commitment, bridge, old * new % R]
        return prove(self.pk, self.r1cs, witness, random.Random(seed or old * 31 + new))

    def step(self, old: int, new: int, commitment: int = 7, bridge: int = 0, record=None) -> Step:
        public = (old, new, commitment, bridge)
        return Step(public, self.proof(public), record)


@pytest.fixture(scope="session")
def keys() -> Keys:
    r1cs = statement_circuit()
    pk, vk = setup(r1cs, random.Random(1))
    return Keys(r1cs, pk, vk)


def write_out(directory, step: Step, record_json: dict | None = None):
    """An OUT directory as `zkob prove` writes it (public.json, proof.json, bridge.json when given)."""
    import json

    from zkob.zk.formats.snarkjs_json import dumps, proof_to_json, public_to_json

    directory.mkdir(parents=True, exist_ok=True)
    (directory / "public.json").write_text(dumps(public_to_json(list(step.public))))
    (directory / "proof.json").write_text(dumps(proof_to_json(step.proof)))
    if record_json is not None:
        (directory / "bridge.json").write_text(json.dumps(record_json))
    return directory


def write_vk(path, vk: VerifyingKey):
    from zkob.zk.formats.snarkjs_json import dumps, vk_to_json

    path.write_text(dumps(vk_to_json(vk)))
    return path


# --- order-book states ------------------------------------------------------------------

PRV = bytes([7]) * 32


def pubkey_json() -> list[str]:
    from zkob.zk.eddsa import private_to_public, public_key_to_json

    return public_key_to_json(private_to_public(PRV))


def deposit_batch(amount: int = 5, account: int = 1, salt: int = 3):
    """A one-deposit batch (deposits carry no signature) for a state with batch_size >= 1."""
    from zkob.state.batchfile import parse_batch

    op = {"op": "deposit", "account": account, "asset": 1, "amount": amount, "pubkey": pubkey_json()}
    return parse_batch({"ops": [op], "salt": str(salt)}, 4)


TINY_ARGS = ["--accounts-depth", "1", "--orders-depth", "1", "--assets-depth", "1", "--batch-size", "1"]
