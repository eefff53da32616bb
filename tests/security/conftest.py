"""Shared by the security regression tests: a tiny statement circuit, its keys, and light-client steps.

The circuit has the batch statement's shape (six public inputs
[old_root, new_root, commitment, bridge, market, time]) but two
constraints, so a setup and a proof cost well under a second. The
order-book states are v2 in its simplest form (TINY: one spot slot, the
smallest market section, a fixed venue so replicas match).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import pytest

from zkob.state.lightclient import Step
from zkob.zk.field import R
from zkob.zk.groth16.data import Proof, VerifyingKey
from zkob.zk.groth16.keys import ProvingKey
from zkob.zk.groth16.prove import prove
from zkob.zk.groth16.setup import setup
from zkob.zk.r1cs import R1CS, Constraint


def statement_circuit() -> R1CS:
    """Wires: 0 one, 1..6 public [old, new, commitment, bridge, market, time], 7 = old * new (private)."""
    return R1CS(n_wires=8, n_public=6, constraints=[
        Constraint({1: 1}, {2: 1}, {7: 1}, "product"),
        Constraint({3: 1, 4: 1, 5: 1, 6: 1}, {0: 1}, {3: 1, 4: 1, 5: 1, 6: 1}, "bind the other public inputs"),
    ])


@dataclass(frozen=True)
class Keys:
    r1cs: R1CS
    pk: ProvingKey
    vk: VerifyingKey

    def proof(self, public: tuple[int, ...], seed: int = 0) -> Proof:
        old, new = public[:2]
        witness = [1, *public, old * new % R]
        return prove(self.pk, self.r1cs, witness, random.Random(seed or old * 31 + new))

    def step(self, old: int, new: int, commitment: int = 7, bridge: int = 0, record=None, market: int = 0,
             time: int = 0) -> Step:
        public = (old, new, commitment, bridge, market, time)
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


def deposit_batch(amount: int = 5, account: int = 1, salt: int = 3, time: int = 1):
    """A one-deposit batch (deposits carry no signature) for TINY."""
    from zkob.state.batchfile import parse_batch

    op = {"op": "deposit", "account": account, "asset": 1, "amount": amount, "pubkey": pubkey_json()}
    return parse_batch({"ops": [op], "time": time, "salt": str(salt)}, TINY)


TINY_CONFIG = Path(__file__).with_name("tiny_config.json")
TINY_ARGS = ["--config", str(TINY_CONFIG)]


def _tiny():
    import json

    from zkob.state.config import CONFIG_NAMES, Config
    from zkob.state.params import Params

    data = json.loads(TINY_CONFIG.read_text())
    config = Config(**{k: v for k, v in data.items() if k in CONFIG_NAMES})
    return Params(**{k: v for k, v in data.items() if k not in CONFIG_NAMES}, config=config)


TINY = _tiny()  # the params `zkob init --config tiny_config.json` makes
