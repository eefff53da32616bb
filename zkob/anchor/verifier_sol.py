"""A Groth16 verifier contract (Solidity, MIT) for one verification key.

``verifier_source(vk)`` writes one contract, ``Groth16Verifier``, whose
only function keeps snarkjs's ABI:

    verifyProof(uint256[2] _pA, uint256[2][2] _pB, uint256[2] _pC,
                uint256[n] _pubSignals) returns (bool)

with pi_b's Fq2 coordinates in the precompile's (c1, c0) order, so callers
written for snarkjs's verifier and ``snarkjs zkey export soliditycalldata``
work unchanged. Our own template, written from the EIP-196/197 facts:

* The call data must be exactly 4 + 32 (8 + n) bytes (a call carrying
  other public inputs than the key's n is refused, where Solidity alone
  would ignore extra words).
* It reverts, never returns true, when a public input is >= r, a proof
  coordinate is >= q, a proof point is the identity (0, 0), or any
  precompile call fails (a point off its curve or, for pi_b, outside the
  subgroup, which the pairing precompile refuses).
* It checks e(A, B) e(alpha, -beta) e(vk_x, -gamma) e(C, -delta) = 1 with
  vk_x = IC_0 + sum s_i IC_i: the key's G2 points are negated when the
  contract is generated, so A, B and C go to the pairing precompile
  straight from the call data (EIP-197 layout: G1 x, y, then G2 x.c1,
  x.c0, y.c1, y.c0 per pair) and nothing is negated at run time.
* A zero public input skips its ecMul and ecAdd (6,150 gas).

Gas (bench/results/anchor.md): 181,000 for the pairing + 6,150 per nonzero
input + about 2,000 for the rest, below snarkjs's template for the same key.
"""

from __future__ import annotations

from ..zk.curve import G1, G2, g2_neg
from ..zk.field import Q, R
from ..zk.groth16.data import VerifyingKey

CONTRACT = "Groth16Verifier"
SIGNATURE = "verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[{n}])"


def _g1(name: str, p: G1) -> list[str]:
    assert p is not None
    return [f"    uint256 internal constant {name}_X = {p[0]};", f"    uint256 internal constant {name}_Y = {p[1]};"]


def _g2(name: str, p: G2) -> list[str]:
    """The precompile's order: x.c1, x.c0, y.c1, y.c0."""
    assert p is not None
    (x0, x1), (y0, y1) = p
    return [f"    uint256 internal constant {name}_X1 = {x1};", f"    uint256 internal constant {name}_X0 = {x0};",
            f"    uint256 internal constant {name}_Y1 = {y1};", f"    uint256 internal constant {name}_Y0 = {y0};"]


def _store_g2(name: str, offset: int) -> list[str]:
    return [f"            mstore({offset + 32 * k}, {name}_{part})" for k, part in enumerate(("X1", "X0", "Y1", "Y0"))]


# Memory: the pairing input at 0x80 (an external function with calldata arguments has allocated
# nothing; the assembly block returns or reverts, so Solidity never sees the memory again).
# Pair k's G1 point at M + 192 k, its G2 point 64 bytes later.
M = 0x80
VKX = M + 2 * 192          # pair 2's G1 slot: vk_x accumulates here
SCRATCH = VKX + 64         # ecMul input and output (pair 2's G2 slot, written after the inputs)


def _input_terms(n: int) -> list[str]:
    """vk_x += s_i IC_i: ecMul into SCRATCH, then ecAdd of VKX..SCRATCH+64 into VKX."""
    lines = []
    for i in range(1, n + 1):
        lines += [
            f"            s := calldataload(add(_pubSignals, {32 * (i - 1)}))",
            "            if iszero(lt(s, R)) { revert(0, 0) }",
            "            if s {",
            f"                mstore({SCRATCH}, IC{i}_X)",
            f"                mstore({SCRATCH + 32}, IC{i}_Y)",
            f"                mstore({SCRATCH + 64}, s)",
            f"                ok := and(ok, staticcall(gas(), 0x07, {SCRATCH}, 96, {SCRATCH}, 64))",
            f"                ok := and(ok, staticcall(gas(), 0x06, {VKX}, 128, {VKX}, 64))",
            "            }",
        ]
    return lines


def _proof_checks() -> list[str]:
    """The eight proof words below q, and A, B, C not the identity (all zero), with one branch."""
    names = ("ax", "ay", "bx1", "bx0", "by1", "by0", "cx", "cy")
    lines = [f"            let {name} := calldataload({4 + 32 * k})" for k, name in enumerate(names)]
    lines += [
        "            let ok := and(and(and(lt(ax, Q), lt(ay, Q)), and(lt(bx1, Q), lt(bx0, Q))),",
        "                          and(and(lt(by1, Q), lt(by0, Q)), and(lt(cx, Q), lt(cy, Q))))",
        "            ok := and(ok, and(and(iszero(iszero(or(ax, ay))), iszero(iszero(or(cx, cy)))),",
        "                              iszero(iszero(or(or(bx1, bx0), or(by1, by0))))))",
        "            if iszero(ok) { revert(0, 0) }",
    ]
    return lines


def verifier_source(vk: VerifyingKey) -> str:
    """Solidity source of the verifier contract for ``vk`` (n = vk.n_public public inputs)."""
    n = vk.n_public
    consts = [f"    uint256 internal constant R = {R};", f"    uint256 internal constant Q = {Q};"]
    consts += _g1("ALPHA", vk.alpha1) + _g2("NEG_BETA", g2_neg(vk.beta2))
    consts += _g2("NEG_GAMMA", g2_neg(vk.gamma2)) + _g2("NEG_DELTA", g2_neg(vk.delta2))
    for i, p in enumerate(vk.ic):
        consts += _g1(f"IC{i}", p)
    body = [
        "        assembly {",
        f"            if iszero(eq(calldatasize(), {4 + 32 * (8 + n)})) {{ revert(0, 0) }}",
        *_proof_checks(),
        "            // pair 0: A, B from the call data (B is already in (c1, c0) order)",
        f"            calldatacopy({M}, 4, 192)",
        "            // pair 1: alpha, -beta",
        f"            mstore({M + 192}, ALPHA_X)",
        f"            mstore({M + 224}, ALPHA_Y)",
        *_store_g2("NEG_BETA", M + 256),
        "            // pair 2: vk_x = IC_0 + sum s_i IC_i, accumulated in place; -gamma",
        f"            mstore({VKX}, IC0_X)",
        f"            mstore({VKX + 32}, IC0_Y)",
        "            let s := 0",
        *_input_terms(n),
        "            if iszero(ok) { revert(0, 0) }",
        *_store_g2("NEG_GAMMA", VKX + 64),
        "            // pair 3: C, -delta",
        f"            mstore({M + 576}, cx)",
        f"            mstore({M + 608}, cy)",
        *_store_g2("NEG_DELTA", M + 640),
        f"            if iszero(staticcall(gas(), 0x08, {M}, 768, {M}, 32)) {{ revert(0, 0) }}",
        f"            return({M}, 32)",
        "        }",
    ]
    return "\n".join([
        "// SPDX-License-Identifier: MIT",
        "// Generated by zkob (zkob export solidity) from a Groth16 verification key over BN254.",
        "pragma solidity ^0.8.24;",
        "",
        f"/// @title Groth16 verifier for one key ({n} public inputs)",
        "/// @notice verifyProof returns true for a valid proof, false when the pairing check fails,",
        "///         and reverts on input >= r, coordinate >= q, an identity proof point, a wrong",
        "///         call-data length or a failed precompile call.",
        f"contract {CONTRACT} {{",
        *consts,
        "",
        "    function verifyProof(",
        "        uint256[2] calldata _pA,",
        "        uint256[2][2] calldata _pB,",
        "        uint256[2] calldata _pC,",
        f"        uint256[{n}] calldata _pubSignals",
        "    ) external view returns (bool) {",
        "        _pA; _pB; _pC;",
        *body,
        "    }",
        "}",
        "",
    ])
