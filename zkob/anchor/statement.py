"""A toy circuit with the rollup's public inputs and nothing else, for gas benchmarks and contract tests.

The rollup contract's checks (old root, time, bridge digest, queue,
payouts) read only the public inputs, and the verifier's cost depends
only on their number. This circuit proves nothing about an order book:
for each public input p_i it has one constraint p_i * p_i = sq_i (so every
public wire is used), which lets a test or a benchmark make a valid
Groth16 proof for any statement it needs in milliseconds: a batch
consuming d deposits and w withdrawals without a batch circuit of K >= d + w
slots. Tests of the real path prove zkob batches (tests/anchor/test_rollup_batches.py).
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from ..zk.backends.pure import PureBackend
from ..zk.field import R
from ..zk.groth16.data import Proof, VerifyingKey
from ..zk.groth16.keys import ProvingKey
from ..zk.groth16.prove import prove
from ..zk.groth16.setup import setup
from ..zk.r1cs import R1CS, Constraint


def statement_r1cs(n_public: int) -> R1CS:
    """Wires: 0 one, 1..n public inputs, n+1..2n their squares; n constraints."""
    n = n_public
    return R1CS(n_wires=1 + 2 * n, n_public=n, constraints=[
        Constraint({i: 1}, {i: 1}, {n + i: 1}, f"public[{i - 1}]_squared") for i in range(1, n + 1)])


def statement_witness(public: Sequence[int]) -> list[int]:
    return [1, *public, *(p * p % R for p in public)]


def statement_keys(n_public: int, seed: int) -> tuple[ProvingKey, VerifyingKey]:
    """Development keys for the toy circuit from a seeded ceremony (tests and benchmarks only)."""
    return setup(statement_r1cs(n_public), random.Random(seed), backend=PureBackend())


def prove_statement(pk: ProvingKey, public: Sequence[int], seed: int = 0) -> Proof:
    return prove(pk, statement_r1cs(len(public)), statement_witness(public), random.Random(seed),
                 backend=PureBackend())
