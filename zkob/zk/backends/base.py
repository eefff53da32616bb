"""The interface every prover backend implements.

Values cross the interface as plain Python types so the pure backend is the
oracle: field elements are ints in [0, r); a G1 point is an affine pair
``(x, y)`` of ints or ``None`` for infinity; a G2 point is
``((x0, x1), (y0, y1))`` (Fq2 as c0 + c1*u) or ``None``. Engines may keep
their own representation behind the opaque ``FrVec``/``G1Table``/``G2Table``
handles (numpy arrays in the compiled engine) so large vectors never
become Python int lists on the hot path. Every method here is required:
callers never probe a backend with getattr. An FrVec must support slicing
(``vec[a:b]`` is again an FrVec of that engine): the prover slices the
witness and h vectors without leaving the engine.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Protocol

G1 = tuple[int, int] | None
G2 = tuple[tuple[int, int], tuple[int, int]] | None
FrVec = Any
G1Table = Any
G2Table = Any
SparseForm = Any


class Backend(Protocol):
    """Arithmetic the Groth16 prover needs; every method is pure (no hidden state)."""

    name: ClassVar[str]

    # --- vectors over Fr -------------------------------------------------
    def fr_vec(self, values: Sequence[int]) -> FrVec:
        """Vector of field elements (each in [0, r))."""

    def fr_list(self, vec: FrVec) -> list[int]:
        """Back to Python ints."""

    def fr_mul(self, x: FrVec, y: FrVec) -> FrVec:
        """Pointwise product."""

    def fr_sub(self, x: FrVec, y: FrVec) -> FrVec:
        """Pointwise difference."""

    def fr_scale(self, x: FrVec, c: int) -> FrVec:
        """Every entry times the constant c."""

    def ntt(self, x: FrVec, inverse: bool = False, shift: int = 1) -> FrVec:
        """Radix-2 NTT on the domain of size len(x) (a power of two).

        Forward: coefficients -> evaluations at shift * omega^i.
        Inverse: evaluations at shift * omega^i -> coefficients.
        omega is the standard 2^k-th root of unity of Fr (5^((r-1)/2^28) raised
        to 2^(28-k)), as snarkjs and galois use.
        """

    # --- R1CS products (groth16/prepared.py) ---------------------------------
    def sparse_r1cs(self, r1cs: Any) -> SparseForm:
        """The engine's form of an R1CS's A, B, C for ``r1cs_rows``: made once per circuit
        (CSR arrays in the compiled engine; the R1CS itself in the pure one)."""

    def r1cs_rows(self, sparse: SparseForm, w: FrVec, n: int) -> tuple[FrVec, FrVec, FrVec]:
        """<A_j, w>, <B_j, w>, <C_j, w> for the n rows of the domain, laid out as
        qap.row_evaluations (zero-padded, one A row per public wire)."""

    def r1cs_first_unsatisfied(self, sparse: SparseForm, a: FrVec, b: FrVec, c: FrVec) -> int:
        """Index of the first constraint whose rows fail a*b = c, or -1."""

    # --- multi-scalar multiplication --------------------------------------
    def g1_table(self, points: Sequence[G1]) -> G1Table:
        """Prepare fixed bases (a proving-key query) for repeated MSMs."""

    def msm_g1(self, table: G1Table, scalars: FrVec) -> G1:
        """sum_i scalars[i] * points[i]; lengths must match."""

    def g2_table(self, points: Sequence[G2]) -> G2Table:
        """Prepare fixed G2 bases."""

    def msm_g2(self, table: G2Table, scalars: FrVec) -> G2:
        """sum_i scalars[i] * points[i] on G2."""

    # --- tables straight from proving-key bytes (added for numpy engines) ----
    checks_points: ClassVar[bool]
    """True when g1_table_bytes/g2_table_bytes refuse (MalformedInput, naming
    ``what[i]``) a coordinate >= q or a point off its curve. prove() then
    trusts them with a key loaded by pk_from_bytes(..., check_points=False);
    otherwise it decodes such a key with the checking keys.g1_points."""

    def g1_table_bytes(self, raw: bytes, what: str = "g1") -> G1Table:
        """Like g1_table, from the proving-key layout: 64-byte records x||y,
        32-byte little-endian coordinates, all zeros = infinity (groth16/keys.py).
        Checks the points when ``checks_points`` (see above). Lets an engine
        ``numpy.frombuffer`` a query; prove() decodes with g1_table instead
        when the key's points are unchecked and the engine does not check."""

    def g2_table_bytes(self, raw: bytes, what: str = "g2") -> G2Table:
        """Like g2_table, from 128-byte records x0||x1||y0||y1 (same conventions)."""

    # --- fixed-base batch multiplication for setup ---------------------------
    def g1_mul_many(self, base: G1, scalars: FrVec) -> bytes:
        """[s_i] base for every scalar, as proving-key point bytes (64-byte
        records, infinity = zeros): setup's large queries."""

    def g2_mul_many(self, base: G2, scalars: FrVec) -> bytes:
        """[s_i] base on G2, as 128-byte proving-key records."""

    # --- snarkjs LEM sections: .zkey setup, phase 2, proving from a .zkey (optional) ----
    def g1_table_lem(self, raw: bytes | memoryview, what: str = "g1") -> G1Table:
        """Like g1_table_bytes for snarkjs's LEM records (Montgomery x||y, 64 bytes,
        zeros = infinity; formats/lem.py); always checks the points."""

    def g2_table_lem(self, raw: bytes | memoryview, what: str = "g2") -> G2Table:
        """Like g1_table_lem for 128-byte LEM G2 records (x.c0, x.c1, y.c0, y.c1)."""

    def lem_sparse_sums(self, coords: int, n_out: int, parts: Sequence[tuple[Any, Any, Any, Any]],
                        values: Sequence[int], what: str) -> bytes:
        """LEM bytes of out_k = sum over k's entries of values[vid] * base, for k < n_out.
        Each part is (LEM bases, ptr (n_out + 1), base index per entry, value id per
        entry), CSR by output; coords is 2 (G1) or 4 (G2). zkey setup uses it."""

    def lem_scale(self, raw: bytes | memoryview, coords: int, scalar: int, what: str) -> bytes:
        """Every LEM point of raw times scalar, as LEM bytes (phase-2 contributions)."""
