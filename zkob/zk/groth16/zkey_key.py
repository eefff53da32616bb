"""A snarkjs .zkey as a proving key for zkob's prover, and its verification key.

A .zkey carries no zkob circuit digest, so ``bind_zkey`` ties it to an
R1CS before prove() may use it: the header's sizes (nVars, nPublic,
domainSize) must be the circuit's, and its coefficient section (the A and
B matrices with snarkjs's public rows, section 4) must hold exactly the
circuit's entries (compared as sets of records, so a key made from a
.r1cs whose rows are in another order still binds). A caller who knows
the expected circuit hash (csHash, from ``zkey new`` on the same .r1cs
and .ptau) passes it too. The bound key then carries the circuit's digest
like a zkob key, and prove() checks it the same way. The C matrix is not
in a .zkey; a key whose C query belongs to another circuit yields proofs
that fail verification (the pipeline verifies every proof before writing).

The key's points stay LEM views of the mapped file; the prover's backend
builds its tables from them (g1_table_lem, checking every point). The key
is refused (SetupRefused) when its verification key admits forgeries, which
includes a key with no phase-2 contribution (delta is the G2 generator).
Cost of binding: one pass over the circuit's A and B entries and a sort of
the section's records (a few seconds for the order-book circuit).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import MalformedInput, SetupRefused
from ..formats.lem import g1_many_from_lem
from .data import VerifyingKey, vk_problem
from ..formats.zkey import Zkey
from ..qap import domain_size
from ..r1cs import R1CS
from .prepared import PreparedR1CS

H_ODD_LAGRANGE = "odd_lagrange"


@dataclass(frozen=True)
class ZkeyProvingKey:
    """prove()'s view of a bound .zkey: ProvingKey's fields, queries as LEM bytes, H on the odd points."""

    vk: VerifyingKey
    beta1: tuple[int, int]
    delta1: tuple[int, int]
    n_wires: int
    n_public: int
    domain_size: int
    digest: str
    cs_hash: bytes
    a_query: memoryview
    b1_query: memoryview
    b2_query: memoryview
    c_query: memoryview
    h_query: memoryview
    h_basis: str = H_ODD_LAGRANGE
    point_format: str = "lem"


def zkey_vk(key: Zkey) -> VerifyingKey:
    """The verification key of a .zkey (alpha1, beta2, gamma2, delta2, IC); SetupRefused if unsafe."""
    h = key.header
    ic = g1_many_from_lem(key.sections[3], "zkey.section[3]")
    vk = VerifyingKey(alpha1=h.alpha1, beta2=h.beta2, gamma2=h.gamma2, delta2=h.delta2, ic=tuple(ic))
    problem = vk_problem(vk)
    if problem:
        hint = " (no phase-2 contribution yet: run `zkob zkey contribute`)" if not key.contributions else ""
        raise SetupRefused(f"zkey: {problem}{hint}")
    return vk


def check_coefficients(key: Zkey, r1cs: R1CS) -> None:
    """Refuse a key whose section 4 is not the circuit's A and B (names the first differing constraint)."""
    from .zkey_columns import coefficient_mismatch  # numpy: imported when a key is bound, not with prove()

    problem = coefficient_mismatch(key.sections[4], r1cs)
    if problem:
        raise MalformedInput("zkey.section[4]", f"{problem}: this key is for another circuit")


def bind_zkey(key: Zkey, r1cs: R1CS | PreparedR1CS, cs_hash: bytes | None = None) -> ZkeyProvingKey:
    """A ZkeyProvingKey for ``r1cs``; MalformedInput when the key is for another circuit, SetupRefused if unsafe."""
    plain = r1cs.r1cs if isinstance(r1cs, PreparedR1CS) else r1cs
    digest = r1cs.digest if isinstance(r1cs, PreparedR1CS) else plain.digest()
    h = key.header
    n = domain_size(plain)
    if (h.n_vars, h.n_public, h.domain_size) != (plain.n_wires, plain.n_public, n):
        raise MalformedInput("zkey.section[2]", f"sizes (nVars {h.n_vars}, nPublic {h.n_public}, domainSize "
                                                f"{h.domain_size}) are not the circuit's ({plain.n_wires}, "
                                                f"{plain.n_public}, {n}): this key is for another circuit")
    if cs_hash is not None and cs_hash != key.cs_hash:
        raise MalformedInput("zkey.section[10]", f"circuit hash {key.cs_hash.hex()[:16]}... is not the expected "
                                                 f"{cs_hash.hex()[:16]}...: this key is for another circuit or ptau")
    check_coefficients(key, plain)
    vk = zkey_vk(key)
    s = key.sections
    if h.beta1 is None or h.delta1 is None:
        raise SetupRefused("zkey: identity point in beta1 or delta1")
    return ZkeyProvingKey(vk, h.beta1, h.delta1, h.n_vars, h.n_public, h.domain_size, digest, key.cs_hash,
                          s[5], s[6], s[7], s[8], s[9])
