"""EdDSA-Poseidon test vectors for other implementations (Wycheproof layout, STYLE.md rule 14).

``build()`` is deterministic (fixed keys, messages from a fixed seed), so
vectors/eddsa.json regenerates byte for byte. One group per private key
holds its public key, valid signatures (reproducible with circomlibjs's
``signPoseidon``) and tampered ones; a last group holds public keys a strict
verifier must refuse. Flags ``IdentityPublicKey``, ``LowOrderPublicKey``,
``PublicKeyNotInSubgroup`` and ``NonCanonicalMessage`` mark cases that
circomlibjs 0.1.7's ``verifyPoseidon`` accepts but zkob refuses
(docs/protocol.md section 4).

Cost: about 0.3 s (some 40 scalar multiplications in pure Python).
"""

from __future__ import annotations

from typing import Any

import random

from . import babyjub as bj
from .eddsa import (Signature, _expand, challenge, private_to_public, public_key_to_json,
                    sign_poseidon, signature_to_json, verify_poseidon)
from .field import R
from .poseidon import poseidon

SEED = 20261125
PRIVATE_KEYS = (bytes(range(32)), bytes(32), bytes([0xFF] * 32))
ORDER2 = (0, R - 1)

NOTES = {
    "SOutOfRange": "S >= l; S + l would satisfy the group equation, so the range check is what refuses it",
    "ModifiedSignature": "R8 or S changed after signing",
    "WrongMessage": "the signature is for another message",
    "WrongKey": "the signature is by another key",
    "PointNotOnCurve": "R8 or the public key is not on Baby Jubjub",
    "NonCanonicalMessage": "the message is not below r (circomlibjs reduces it; zkob refuses)",
    "IdentityPublicKey": "the public key is the identity: R8 = S*B8 verifies any message (circomlibjs accepts)",
    "LowOrderPublicKey": "the public key has small order: 8*h*A vanishes (circomlibjs accepts)",
    "PublicKeyNotInSubgroup": "the public key has a torsion component (circomlibjs accepts)",
}


def _case(tc: int, comment: str, msg: int, sig: Signature, ok: bool, flags: list[str]) -> dict[str, Any]:
    return {"tcId": tc, "comment": comment, "msg": str(msg), "sig": signature_to_json(sig),
            "result": "valid" if ok else "invalid", "flags": flags}


def _key_group(prv: bytes, other: bytes, messages: list[int], first_tc: int, tamper: bool) -> dict[str, Any]:
    a = private_to_public(prv)
    tests = []
    tc = first_tc
    for msg in messages:
        tests.append(_case(tc, "valid signature", msg, sign_poseidon(prv, msg), True, []))
        tc += 1
    if tamper:
        msg = messages[-1]
        sig = sign_poseidon(prv, msg)
        x, y = sig.R8
        bad = [
            ("S + l", msg, Signature(sig.R8, sig.S + bj.L), "SOutOfRange"),
            ("S + 1", msg, Signature(sig.R8, (sig.S + 1) % bj.L), "ModifiedSignature"),
            ("R8 negated", msg, Signature(bj.neg(sig.R8), sig.S), "ModifiedSignature"),
            ("R8 doubled", msg, Signature(bj.add(sig.R8, sig.R8), sig.S), "ModifiedSignature"),
            ("R8 = identity, S = 0", msg, Signature(bj.IDENTITY, 0), "ModifiedSignature"),
            ("R8.y + 1 (off the curve)", msg, Signature((x, (y + 1) % R), sig.S), "PointNotOnCurve"),
            ("message + 1", (msg + 1) % R, sig, "WrongMessage"),
            ("signed by another key", msg, sign_poseidon(other, msg), "WrongKey"),
            ("signature of 0 given with message r", R, sign_poseidon(prv, 0), "NonCanonicalMessage"),
        ]
        for comment, m, s, flag in bad:
            tests.append(_case(tc, comment, m, s, False, [flag]))
            tc += 1
    for t in tests:
        t_ok = verify_poseidon(int(t["msg"]), _sig(t["sig"]), a)
        assert t_ok == (t["result"] == "valid"), t  # the file never disagrees with the verifier
    return {"type": "EddsaPoseidonVerify", "privateKey": prv.hex(),
            "publicKey": public_key_to_json(a), "tests": tests}


def _sig(obj: dict[str, Any]) -> Signature:
    return Signature((int(obj["R8"][0]), int(obj["R8"][1])), int(obj["S"]))


def _bad_key_groups(prv: bytes, msg: int, first_tc: int) -> list[dict[str, Any]]:
    """Keys a strict verifier refuses, each with a signature that passes the group equation."""
    s, _ = _expand(prv)
    forged = Signature(bj.mul(bj.B8, 7), 7)  # R8 = 7*B8, S = 7: valid whenever 8*h*A vanishes
    honest = sign_poseidon(prv, msg)
    mixed = bj.add(private_to_public(prv), ORDER2)
    # Signature over the mixed key: S*B8 = R8 + 8*h'*A' because 8 * ORDER2 is the identity.
    r8 = honest.R8
    r = (honest.S - challenge(r8, private_to_public(prv), msg) * s) % bj.L
    mixed_sig = Signature(r8, (r + challenge(r8, mixed, msg) * s) % bj.L)
    off_curve = (bj.B8[0], (bj.B8[1] + 1) % R)
    cases = [
        (bj.IDENTITY, "identity key, forged signature", forged, "IdentityPublicKey"),
        (ORDER2, "order-2 key (0, -1), forged signature", forged, "LowOrderPublicKey"),
        (mixed, "key plus an order-2 point, signed with the key's secret", mixed_sig, "PublicKeyNotInSubgroup"),
        (off_curve, "key off the curve", honest, "PointNotOnCurve"),
    ]
    groups = []
    for tc, (key, comment, sig, flag) in enumerate(cases, first_tc):
        assert not verify_poseidon(msg, sig, key)
        groups.append({"type": "EddsaPoseidonVerify", "privateKey": None,
                       "publicKey": public_key_to_json(key),
                       "tests": [_case(tc, comment, msg, sig, False, [flag])]})
    return groups


def build() -> dict[str, Any]:
    rng = random.Random(SEED)
    groups = []
    tc = 1
    for i, prv in enumerate(PRIVATE_KEYS):
        messages = [0, 1, R - 1, poseidon([1, 2]), rng.randrange(R)] if i == 0 else [rng.randrange(R)]
        other = PRIVATE_KEYS[(i + 1) % len(PRIVATE_KEYS)]
        group = _key_group(prv, other, messages, tc, tamper=(i == 0))
        tc += len(group["tests"])
        groups.append(group)
    bad = _bad_key_groups(PRIVATE_KEYS[0], 1234, tc)
    tc += len(bad)
    groups.extend(bad)
    return {
        "algorithm": "EdDSA-Poseidon over Baby Jubjub (circomlibjs signPoseidon / verifyPoseidon)",
        "generator": "zkob.zk.eddsa_vectors",
        "numberOfTests": tc - 1,
        "notes": NOTES,
        "testGroups": groups,
    }
