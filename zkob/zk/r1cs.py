"""Rank-1 constraint systems over Fr: sparse A, B, C with labels.

Wire layout (docs/protocol.md section 7, iden3 order): w_0 = 1, then the
``n_public`` public inputs, then private wires. A constraint says
<A_i, w> * <B_i, w> = <C_i, w>. Rows are sparse dicts {wire: coeff} with
coefficients in [1, r). ``digest()`` fixes the matrices (and the public
count) so keys can name the circuit they were made for.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .errors import Unsatisfied
from .field import R

Row = Mapping[int, int]


@dataclass(frozen=True)
class Constraint:
    """One rank-1 constraint <a, w> * <b, w> = <c, w>, named by ``label``."""

    a: Row
    b: Row
    c: Row
    label: str = ""


def evaluate(row: Row, w: Sequence[int]) -> int:
    """<row, w> mod r."""
    return sum(coeff * w[wire] for wire, coeff in row.items()) % R


@dataclass
class R1CS:
    """A constraint system with ``n_wires`` wires (wire 0 = 1 included) and ``n_public`` public inputs."""

    n_wires: int
    n_public: int
    constraints: list[Constraint] = field(default_factory=list)

    @property
    def n_constraints(self) -> int:
        return len(self.constraints)

    def first_failure(self, w: Sequence[int]) -> tuple[int, str] | None:
        """Index and label of the first unsatisfied constraint, or None when ``w`` satisfies all.

        Also fails (index -1) when w has the wrong length or w_0 != 1.
        Costs one pass over the non-zero entries.
        """
        if len(w) != self.n_wires:
            return (-1, f"witness has {len(w)} wires, expected {self.n_wires}")
        if w[0] != 1:
            return (-1, "w_0 must be 1")
        for i, con in enumerate(self.constraints):
            if evaluate(con.a, w) * evaluate(con.b, w) % R != evaluate(con.c, w):
                return (i, con.label)
        return None

    def is_satisfied(self, w: Sequence[int]) -> bool:
        return self.first_failure(w) is None

    def check(self, w: Sequence[int]) -> None:
        """Raise Unsatisfied naming the first failing constraint."""
        failure = self.first_failure(w)
        if failure is not None:
            raise Unsatisfied(*failure)

    def digest(self) -> str:
        """SHA-256 (hex) of the wire counts and the matrices, labels excluded.

        Two R1CS with the same digest accept the same witnesses; keys store
        it and the prover compares it before proving.
        """
        h = hashlib.sha256()
        h.update(b"zkob-r1cs-v1")
        h.update(struct.pack("<III", self.n_wires, self.n_public, len(self.constraints)))
        for con in self.constraints:
            for row in (con.a, con.b, con.c):
                h.update(struct.pack("<I", len(row)))
                for wire in sorted(row):
                    h.update(struct.pack("<I", wire))
                    h.update((row[wire] % R).to_bytes(32, "little"))
        return h.hexdigest()
