"""``zkey new``: the initial Groth16 key of a circuit from a prepared Powers of Tau, as snarkjs makes it.

Byte-identical to ``snarkjs groth16 setup C.r1cs P.ptau C_0000.zkey``
(snarkjs 0.7.6, zkey_new.js) for the same .r1cs and .ptau: the same
sections in the same order (1, 2, 4, 3, 9, 8, 5, 6, 7, 10) and the same
circuit hash.

Symbols (paper -> code, see zkey_columns.py): u_i, v_i, w_i at tau ->
the wire sums over the ptau's Lagrange points; alpha, beta come from the
ptau (its sections 4-6 and the alpha/beta Lagrange sections 14, 15);
gamma = delta = 1 until phase 2 (gamma2 and delta2 are the G2 generator,
delta1 the G1 one: such a key admits forgeries until someone contributes);
the H query is the odd half of the 2n-point Lagrange basis of section 12
(the prover evaluates on the odd points of the 2n domain, prove.py).

csHash = blake2b-512 over the uncompressed header points (alpha1, beta1,
beta2, gamma2, delta1, delta2), then for IC, H, C, A, B1, B2 in that order
a big-endian u32 count and the points, where the H part hashes the
monomial form (tau^(n+i) - tau^i) G1 from ptau section 2. snarkjs hashes
those in chunks of 2^14 and always takes a full chunk, so for n > 2^14 it
hashes n points (one more than the count it writes); the extra point,
tau^(2n-1), lies beyond the ptau's section 2 when n equals 2^power, where
snarkjs reads the next section's bytes as a point: that one case is
refused here (``UNSUPPORTED_FULL_DOMAIN``).

Cost: the sparse sums (backends' lem_sparse_sums: about 60 mixed additions
per full-size coefficient on the compiled engine) dominate; memory is the
key itself plus one table of 8 multiples per Lagrange point.
"""

from __future__ import annotations

import hashlib
import struct

import numpy as np

from ..backends import get_backend
from ..backends.base import Backend
from ..curve import G1_GEN, G2_GEN, g2_in_subgroup
from ..errors import MalformedInput
from ..field import R
from ..formats.lem import G1_BYTES, g1_from_lem, g2_from_lem, lem_g1_to_uncompressed, lem_g2_to_uncompressed
from ..formats.ptau import Ptau
from ..formats.zkey import SETUP_ORDER, Header, Zkey, zkey_bytes
from ..qap import domain_size
from ..r1cs import R1CS
from .zkey_columns import Matrices, coefficients_section, sums_by_wire

H_HASH_CHUNK = 1 << 14
MAX_LOG_DOMAIN = 27  # the 2n-point block must exist in a ptau of power <= 28


def h_hash_count(n: int) -> int:
    """How many (tau^(n+i) - tau^i) points snarkjs's csHash covers for an n-point domain (see above)."""
    chunks = -(-(n - 1) // H_HASH_CHUNK)
    return chunks * min(n - 1, H_HASH_CHUNK)


def _u32be(v: int) -> bytes:
    return struct.pack(">I", v)


def _single(raw: memoryview, g2: bool, what: str):  # type: ignore[no-untyped-def]
    point = g2_from_lem(raw, what) if g2 else g1_from_lem(raw, what)
    if point is None or (g2 and not g2_in_subgroup(point)):  # type: ignore[arg-type]
        raise MalformedInput(what, "point at infinity or outside the r-torsion subgroup")
    return point


def new_zkey(r1cs: R1CS, ptau: Ptau, backend: Backend | None = None) -> Zkey:
    """The initial key of ``r1cs`` (in its file order: see zkey_columns.file_order) from ``ptau``.

    Raises MalformedInput for a ptau that is too small, corrupt points, or
    the unsupported full-domain case; the key's csHash is ``key.cs_hash``.
    """
    engine = backend or get_backend("auto")
    n = domain_size(r1cs)
    k = n.bit_length() - 1
    ptau.require_domain(k, r1cs.n_constraints + r1cs.n_public + 1)
    if k > MAX_LOG_DOMAIN:
        raise MalformedInput("ptau", f"domain 2^{k} is too large (at most 2^{MAX_LOG_DOMAIN})")
    n_hash = h_hash_count(n)
    if n + n_hash > (2 << ptau.power) - 1:
        raise MalformedInput("ptau", f"UNSUPPORTED_FULL_DOMAIN: the circuit's domain 2^{k} equals the ptau's power "
                                     f"{ptau.power}, where snarkjs's circuit hash reads past the ptau's section 2; "
                                     f"use a ptau of power {k + 1} or more")
    npub, nvars = r1cs.n_public, r1cs.n_wires
    header = Header(nvars, npub, n, _single(ptau.alpha_g1(), False, "ptau.section[4][0]"),
                    _single(ptau.beta_g1(), False, "ptau.section[5][0]"),
                    _single(ptau.beta_g2(), True, "ptau.section[6][0]"), G2_GEN, G1_GEN, G2_GEN)
    mats = Matrices.of(r1cs)
    vals = mats.values
    lag, lag2 = ptau.lagrange_g1(k), ptau.lagrange_g2(k)
    alpha_lag, beta_lag = ptau.lagrange_alpha_g1(k), ptau.lagrange_beta_g1(k)

    def g1(n_out: int, parts: list, what: str) -> bytes:  # type: ignore[type-arg]
        return engine.lem_sparse_sums(2, n_out, parts, vals, what)

    a_pts = g1(nvars, [sums_by_wire(nvars, mats.a, mats.a_public).part(lag)], "ptau.section[12]")
    b1_pts = g1(nvars, [sums_by_wire(nvars, mats.b).part(lag)], "ptau.section[12]")
    b2_pts = engine.lem_sparse_sums(4, nvars, [sums_by_wire(nvars, mats.b).part(lag2)], vals, "ptau.section[13]")

    def combined(n_out: int, first: int) -> bytes:
        parts = [sums_by_wire(n_out, mats.a, mats.a_public, first=first).part(beta_lag),
                 sums_by_wire(n_out, mats.b, first=first).part(alpha_lag),
                 sums_by_wire(n_out, mats.c, first=first).part(lag)]
        return g1(n_out, parts, "ptau.section[14/15]")

    ic_pts, c_pts = combined(npub + 1, 0), combined(nvars - npub - 1, npub + 1)
    h_pts = _h_section(ptau, k, engine)
    cs_hash = _cs_hash(header, ic_pts, _h_monomials(ptau, n, n_hash, engine), n, c_pts, a_pts, b1_pts, b2_pts)
    sections = {3: ic_pts, 4: coefficients_section(mats), 5: a_pts, 6: b1_pts, 7: b2_pts, 8: c_pts, 9: h_pts}
    return Zkey(header, cs_hash, (), {kind: memoryview(v) for kind, v in sections.items()})


def new_zkey_bytes(r1cs: R1CS, ptau: Ptau, backend: Backend | None = None) -> tuple[bytes, bytes]:
    """(file bytes in snarkjs's setup order, csHash)."""
    key = new_zkey(r1cs, ptau, backend)
    return zkey_bytes(key, SETUP_ORDER), key.cs_hash


def _h_section(ptau: Ptau, k: int, engine: Backend) -> bytes:
    """Odd points of the 2n-point Lagrange block: H_i = L_{2i+1}(tau) G1 over the 2n domain."""
    block = np.frombuffer(ptau.lagrange_g1(k + 1), np.uint8).reshape(2 << k, G1_BYTES)
    odd = block[1::2].tobytes()
    engine.g1_table_lem(odd, "ptau.section[12]")  # checks the points (a corrupt ptau is refused here)
    return odd


def _h_monomials(ptau: Ptau, n: int, count: int, engine: Backend) -> bytes:
    """(tau^(n+i) - tau^i) G1 for i < count, as LEM bytes."""
    ones = [1, R - 1]
    ptr = np.arange(0, 2 * count + 1, 2, dtype=np.int64)
    base_idx = np.empty(2 * count, np.int64)
    base_idx[0::2] = np.arange(count) + n
    base_idx[1::2] = np.arange(count)
    vids = np.tile(np.array([0, 1], np.int64), count)
    return engine.lem_sparse_sums(2, count, [(ptau.tau_g1(0, n + count), ptr, base_idx, vids)], ones,
                                  "ptau.section[2]")


def _cs_hash(h: Header, ic: bytes, h_mono: bytes, n: int, c: bytes, a: bytes, b1: bytes, b2: bytes) -> bytes:
    from ..formats.lem import g1_uncompressed, g2_uncompressed

    hasher = hashlib.blake2b(digest_size=64)
    for p in (h.alpha1, h.beta1):
        hasher.update(g1_uncompressed(p))
    hasher.update(g2_uncompressed(h.beta2))
    hasher.update(g2_uncompressed(h.gamma2))
    hasher.update(g1_uncompressed(h.delta1))
    hasher.update(g2_uncompressed(h.delta2))
    for count, raw, g2 in ((len(ic) // G1_BYTES, ic, False), (n - 1, h_mono, False), (len(c) // G1_BYTES, c, False),
                           (h.n_vars, a, False), (h.n_vars, b1, False), (h.n_vars, b2, True)):
        hasher.update(_u32be(count))
        hasher.update(lem_g2_to_uncompressed(raw) if g2 else lem_g1_to_uncompressed(raw))
    return hasher.digest()
