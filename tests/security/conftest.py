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
from zkob.zk.formats.snarkjs_json import Proof, VerifyingKey
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
