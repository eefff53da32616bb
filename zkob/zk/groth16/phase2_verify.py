"""``zkey verify``: check a .zkey's whole phase 2 against its circuit and Powers of Tau, as snarkjs does.

The initial key is rebuilt from the .r1cs and the .ptau (zkey_new.py);
then (snarkjs's zkey_verify_frominit.js, same checks, same order):

1. per contribution k, in order: its transcript equals blake2b(csHash,
   earlier public keys, g1_s, g1_sx); e(g1_s, g2_spx) = e(g1_sx, g2_sp)
   with g2_sp = hashToG2(transcript) (the contributor knows its secret);
   e(delta_{k-1}, g2_spx) = e(deltaAfter_k, g2_sp) (delta moved by that
   secret, delta_0 = G1); a beacon's g1_s and g1_sx are recomputed from its
   public parameters;
2. the key against the initial one: sizes, alpha1, beta1, beta2, gamma2
   equal; delta1 equals the last deltaAfter and e(G1, delta2) =
   e(delta1, G2); the csHash equal (the same circuit and ptau);
3. sections 3-7 (IC, coefficients, A, B1, B2) byte-identical to the
   initial key's; sections 8 (C) and 9 (H) equal the initial ones divided
   by delta, checked on a random linear combination (128-bit weights from
   ``secrets``): e(sum w_i X_i, G2) = e(sum w_i Y_i, delta2).

(snarkjs checks H against the ptau's powers of tau instead of the rebuilt
section 9; the two agree because the rebuilt section is the ptau's odd
Lagrange points.) Every failed check becomes a Phase2Verdict naming the
contribution or section. Cost: one ``zkey
new``, two MSMs over sections 8 and 9, and 2k + 3 pairing checks.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from ..backends import get_backend
from ..backends.base import Backend
from ..chacha import hash_to_g2
from ..curve import G1, G1_GEN, G2, G2_GEN, g1_neg, g2_in_subgroup, to_ecc_g1, to_ecc_g2
from ..formats.ptau import Ptau
from ..formats.zkey import BEACON, Contribution, Zkey
from ..r1cs import R1CS
from .verify import pairing_product_is_one
from .phase2 import beacon_secret, contribution_hash, g1_mul, transcript
from .zkey_new import new_zkey

WEIGHT_BITS = 128


@dataclass(frozen=True)
class ContributionInfo:
    """One line of the contribution list: index (1-based), name, hash, beacon parameters."""

    index: int
    name: str
    digest: bytes
    beacon: tuple[bytes, int] | None = None


@dataclass(frozen=True)
class Phase2Verdict:
    ok: bool
    reason: str
    cs_hash: bytes = b""
    contributions: tuple[ContributionInfo, ...] = field(default_factory=tuple)

    def __bool__(self) -> bool:
        return self.ok


def same_ratio(a1: G1, b1: G1, a2: G2, b2: G2, fast: bool = False) -> bool:
    """e(a1, b2) == e(b1, a2), i.e. b1/a1 = b2/a2 as exponents; False when any point is the identity.

    ``fast`` uses the compiled pairing (backends/compiled/pairing.py, ~10 ms) instead of py_ecc's (~0.5 s);
    both need G2 points in the r-torsion subgroup (the callers check them).
    """
    if a1 is None or b1 is None or a2 is None or b2 is None:
        return False
    if fast:
        from ..backends.compiled.pairing import product_is_one

        return product_is_one([(a1, b2), (g1_neg(b1), a2)])
    return pairing_product_is_one([(to_ecc_g1(a1), to_ecc_g2(b2)), (to_ecc_g1(g1_neg(b1)), to_ecc_g2(a2))])


def _name(c: Contribution, k: int) -> str:
    return f"contribution #{k}" + (f" ({c.name})" if c.name else "")


def _check_contributions(key: Zkey, fast: bool) -> tuple[str | None, G1, list[ContributionInfo]]:
    current: G1 = G1_GEN
    infos: list[ContributionInfo] = []
    for i, c in enumerate(key.contributions):
        who = _name(c, i + 1)
        if transcript(key.cs_hash, key.contributions[:i], c.g1_s, c.g1_sx) != c.transcript:
            return f"{who}: inconsistent transcript", current, infos
        g2_sp = hash_to_g2(c.transcript)
        if not g2_in_subgroup(c.g2_spx):
            return f"{who}: g2_spx is not in the r-torsion subgroup", current, infos
        if not same_ratio(c.g1_s, c.g1_sx, g2_sp, c.g2_spx, fast):
            return f"{who}: its G1 and G2 public keys do not have the same ratio (no proof of its secret)", \
                current, infos
        if not same_ratio(current, c.delta_after, g2_sp, c.g2_spx, fast):
            return f"{who}: deltaAfter does not follow its public key", current, infos
        if c.kind == BEACON:
            secret, g1_s = beacon_secret(c.beacon_hash, c.iterations_exp)
            if g1_s != c.g1_s or g1_mul(g1_s, secret) != c.g1_sx:
                return f"{who}: its key is not the one the beacon parameters give", current, infos
        infos.append(ContributionInfo(i + 1, c.name, contribution_hash(c),
                                      (c.beacon_hash, c.iterations_exp) if c.kind == BEACON else None))
        current = c.delta_after
    return None, current, infos


def _combination(engine: Backend, raw: memoryview, weights: list[int], what: str) -> G1:
    return engine.msm_g1(engine.g1_table_lem(raw, what), engine.fr_vec(weights))


def _check_against_init(key: Zkey, init: Zkey, delta: G1, engine: Backend) -> str | None:
    h, h0 = key.header, init.header
    if (h.n_vars, h.n_public, h.domain_size) != (h0.n_vars, h0.n_public, h0.domain_size):
        return "zkey.section[2]: sizes differ from the circuit's (a key for another circuit)"
    for name in ("alpha1", "beta1", "beta2", "gamma2"):
        if getattr(h, name) != getattr(h0, name):
            return f"zkey.section[2]: {name} differs from the ptau's"
    if h.delta1 != delta:
        return "zkey.section[2]: delta1 is not the last contribution's deltaAfter"
    fast = engine.name == "compiled"
    if not same_ratio(G1_GEN, delta, G2_GEN, h.delta2, fast):
        return "zkey.section[2]: delta2 does not match delta1"
    if key.cs_hash != init.cs_hash:
        return "zkey.section[10]: circuit hash differs (a key for another circuit or another ptau)"
    for k, what in ((3, "IC"), (4, "coefficients"), (5, "A"), (6, "B1"), (7, "B2")):
        if bytes(key.sections[k]) != bytes(init.sections[k]):
            return f"zkey.section[{k}] ({what}) differs from the circuit's initial key"
    for k, what in ((8, "C"), (9, "H")):
        count = len(init.sections[k]) // 64
        if count == 0:
            continue
        weights = [secrets.randbits(WEIGHT_BITS) | 1 for _ in range(count)]
        x = _combination(engine, init.sections[k], weights, f"init.section[{k}]")
        y = _combination(engine, key.sections[k], weights, f"zkey.section[{k}]")
        if not same_ratio(x, y, h.delta2, G2_GEN, fast):
            return f"zkey.section[{k}] ({what}) is not the initial key's divided by delta"
    return None


def verify_zkey(r1cs: R1CS, ptau: Ptau, key: Zkey, backend: Backend | None = None) -> Phase2Verdict:
    """Check every contribution and the key against ``r1cs`` and ``ptau``.

    A key that fails a check gives a Phase2Verdict naming it; a ptau too
    small for the circuit, or a section whose points are not on the curve,
    raises MalformedInput (bad input rather than a failed ceremony).

    ``r1cs`` must be in the .r1cs file's order (zkey_columns.file_order for
    a zkob-built circuit) so the rebuilt coefficient section compares bytewise.
    """
    engine = backend or get_backend("auto")
    problem, delta, infos = _check_contributions(key, engine.name == "compiled")
    if problem is None:
        problem = _check_against_init(key, new_zkey(r1cs, ptau, engine), delta, engine)
    if problem:
        return Phase2Verdict(False, problem, key.cs_hash, tuple(infos))
    return Phase2Verdict(True, "ZKey Ok!", key.cs_hash, tuple(infos))
