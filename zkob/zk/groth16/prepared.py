"""A circuit prepared once for many proofs: its digest and the backend's sparse form of A, B, C.

Per proof, prove() needs the circuit digest (to match the key), the R1CS
products <A_j,w>, <B_j,w>, <C_j,w> and the satisfaction check. In Python
these cost one big-int operation per non-zero entry each time (order-book
circuit, 6.2 M entries: digest 1.35 s, products 1.05 s, check 1.27 s).
Every backend offers ``sparse_r1cs``/``r1cs_rows``/``r1cs_first_unsatisfied``;
the compiled one does the products and the check in about 0.2 s from CSR
arrays built once per circuit, the pure one on the R1CS's own dicts.

Why a value the caller keeps, not a cache: R1CS is a mutable dataclass
(its constraint list can change after a conversion), so a cache keyed on
the object, or on id(), could serve arrays of an older circuit and would
hold hundreds of MB for as long as the process lives. ``prepare`` makes a
frozen PreparedR1CS whose lifetime is the caller's; prove() accepts it
wherever it accepts an R1CS, and prepares a plain R1CS per call.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..backends import get_backend
from ..backends.base import Backend, FrVec, SparseForm
from ..errors import Unsatisfied
from ..r1cs import R1CS


@dataclass(frozen=True, eq=False)
class PreparedR1CS:
    """``r1cs`` with its digest and ``backend``'s sparse form of it.

    Do not change ``r1cs`` afterwards: the digest and the sparse form describe it as it was.
    """

    r1cs: R1CS
    digest: str
    backend: Backend
    sparse: SparseForm

    @property
    def n_wires(self) -> int:
        return self.r1cs.n_wires

    @property
    def n_public(self) -> int:
        return self.r1cs.n_public

    @property
    def n_constraints(self) -> int:
        return self.r1cs.n_constraints


def prepare(r1cs: R1CS | PreparedR1CS, backend: Backend | None = None) -> PreparedR1CS:
    """Digest and sparse form of ``r1cs`` for ``backend`` (default get_backend("auto")).

    Cost: the digest (one hash of every entry) plus the backend's
    ``sparse_r1cs`` (one Python pass over the non-zero entries on the
    compiled backend, about 1 s for the order-book circuit; free on the
    pure one). An already prepared circuit is returned as is when it was
    made for a backend of the same name.
    """
    if isinstance(r1cs, PreparedR1CS):
        if backend is None or backend.name == r1cs.backend.name:
            return r1cs
        plain, digest = r1cs.r1cs, r1cs.digest  # another backend: keep the digest, redo the sparse form
    else:
        plain, digest = r1cs, r1cs.digest()
    backend = backend or get_backend("auto")
    return PreparedR1CS(plain, digest, backend, backend.sparse_r1cs(plain))


def satisfied_rows(prep: PreparedR1CS, witness: Sequence[int], n: int) -> tuple[FrVec, FrVec, FrVec, FrVec]:
    """(w, A.w, B.w, C.w) as vectors of the prepared backend, the rows padded to the domain size n.

    Raises Unsatisfied naming the first failing constraint (index -1 for a
    witness of the wrong length or with w_0 != 1), as R1CS.check does.
    """
    r1cs, backend = prep.r1cs, prep.backend
    if len(witness) != r1cs.n_wires or witness[0] != 1:
        r1cs.check(witness)  # raises with R1CS.check's own message for these two cases
    w = backend.fr_vec(witness)
    a, b, c = backend.r1cs_rows(prep.sparse, w, n)
    j = backend.r1cs_first_unsatisfied(prep.sparse, a, b, c)
    if j >= 0:
        raise Unsatisfied(j, r1cs.constraints[j].label)
    return w, a, b, c
