"""EdDSA-Poseidon over Baby Jubjub, reproducing circomlibjs 0.1.7 (docs/protocol.md section 4).

Key derivation and signing follow circomlibjs's ``prv2pub`` and
``signPoseidon`` step for step, so the same 32-byte private key and message
give the same public key and signature:

    h     = BLAKE-512(prv)                       64 bytes
    s     = prune(h[0:32]) as little-endian int  low 3 bits clear, bit 254 set, bit 255 clear
    A     = (s >> 3) * B8
    r     = LE(BLAKE-512(h[32:64] || LE32(msg))) mod l
    R8    = r * B8
    hm    = H(R8.x, R8.y, A.x, A.y, msg)          Poseidon, 5 inputs
    S     = (r + hm * s) mod l

Verification checks S * B8 == R8 + (8 * hm) * A like ``verifyPoseidon``,
and is stricter: it also refuses A outside the prime-order subgroup or equal
to the identity (with such a key R8 = S * B8 verifies for any message, and
circomlibjs would accept it). It returns a bool and never raises.

Cost (pure Python): keygen ~3 ms, sign ~5 ms, verify ~6 ms.
"""

from __future__ import annotations

from typing import Any

from dataclasses import dataclass

from . import babyjub as bj
from .blake512 import blake512
from .errors import MalformedInput
from .field import R, parse_decimal
from .poseidon import poseidon

PRIVATE_KEY_BYTES = 32


@dataclass(frozen=True)
class Signature:
    """An EdDSA-Poseidon signature: the nonce point R8 and the scalar S (< l when valid)."""

    R8: bj.Point
    S: int


def _check_private_key(prv: bytes) -> bytes:
    if not isinstance(prv, (bytes, bytearray)) or len(prv) != PRIVATE_KEY_BYTES:
        raise MalformedInput("private_key", f"expected {PRIVATE_KEY_BYTES} bytes")
    return bytes(prv)


def _expand(prv: bytes) -> tuple[int, bytes]:
    """The pruned secret scalar s and the nonce prefix (second half of the digest)."""
    digest = bytearray(blake512(_check_private_key(prv)))
    digest[0] &= 0xF8
    digest[31] = (digest[31] & 0x7F) | 0x40
    return int.from_bytes(digest[:32], "little"), bytes(digest[32:])


def private_to_public(prv: bytes) -> bj.Point:
    """The public key A of a 32-byte private key (circomlibjs ``prv2pub``)."""
    s, _ = _expand(prv)
    return bj.mul(bj.B8, s >> 3)


def _check_message(msg: int) -> int:
    if isinstance(msg, bool) or not isinstance(msg, int) or not 0 <= msg < R:
        raise MalformedInput("message", "not a field element in [0, r)")
    return msg


def challenge(r8: bj.Point, a: bj.Point, msg: int) -> int:
    """hm = H(R8.x, R8.y, A.x, A.y, msg), the scalar the key is multiplied by."""
    return poseidon([r8[0], r8[1], a[0], a[1], msg])


def sign_poseidon(prv: bytes, msg: int) -> Signature:
    """Sign the field element ``msg`` (circomlibjs ``signPoseidon``); deterministic."""
    _check_message(msg)
    s, prefix = _expand(prv)
    a = bj.mul(bj.B8, s >> 3)
    r = int.from_bytes(blake512(prefix + msg.to_bytes(32, "little")), "little") % bj.L
    r8 = bj.mul(bj.B8, r)
    return Signature(r8, (r + challenge(r8, a, msg) * s) % bj.L)


def verify_poseidon(msg: object, sig: object, a: object) -> bool:
    """True when ``sig`` is a valid signature of ``msg`` by key ``a``; never raises.

    Refuses: msg not in [0, r), S not in [0, l), R8 or A off the curve, and
    A that is the identity or outside the prime-order subgroup.
    """
    if isinstance(msg, bool) or not isinstance(msg, int) or not 0 <= msg < R:
        return False
    if not isinstance(sig, Signature):
        return False
    s = sig.S
    if isinstance(s, bool) or not isinstance(s, int) or not 0 <= s < bj.L:
        return False
    if not bj.on_curve(sig.R8) or bj.public_key_problem(a) is not None:
        return False
    left = bj.mul(bj.B8, s)
    right = bj.add(sig.R8, bj.mul(a, 8 * challenge(sig.R8, a, msg)))  # type: ignore[arg-type]
    return left == right


def signature_to_json(sig: Signature) -> dict[str, Any]:
    """{"R8": [x, y], "S": s} with decimal strings (FORMATS.md, docs/protocol.md section 4)."""
    return {"R8": [str(sig.R8[0]), str(sig.R8[1])], "S": str(sig.S)}


def _strict_keys(obj: object, keys: set[str], field: str) -> dict[str, Any]:
    if not isinstance(obj, dict):
        raise MalformedInput(field, "expected a JSON object")
    if set(obj) != keys:
        raise MalformedInput(field, f"expected exactly the keys {sorted(keys)}, got {sorted(map(str, obj))}")
    return obj


def parse_point(obj: object, field: str) -> bj.Point:
    """A point [x, y] of canonical decimal strings that lies on Baby Jubjub."""
    if not isinstance(obj, list) or len(obj) != 2:
        raise MalformedInput(field, "expected a list [x, y] of two decimal strings")
    p = (parse_decimal(obj[0], f"{field}[0]"), parse_decimal(obj[1], f"{field}[1]"))
    if not bj.on_curve(p):
        raise MalformedInput(field, "point is not on Baby Jubjub")
    return p


def signature_from_json(obj: object, field: str = "sig") -> Signature:
    """Strictly parse {"R8": [x, y], "S": s}: decimal strings, R8 on the curve, S < l.

    Raises MalformedInput naming the offending part; nothing else.
    """
    d = _strict_keys(obj, {"R8", "S"}, field)
    r8 = parse_point(d["R8"], f"{field}.R8")
    s = parse_decimal(d["S"], f"{field}.S")
    if s >= bj.L:
        raise MalformedInput(f"{field}.S", "not below the subgroup order l")
    return Signature(r8, s)


def public_key_to_json(a: bj.Point) -> list[str]:
    """[x, y] as decimal strings (the pubkey of a deposit, docs/protocol.md section 4)."""
    return [str(a[0]), str(a[1])]


def public_key_from_json(obj: object, field: str = "pubkey") -> bj.Point:
    """Strictly parse [x, y]: on the curve, in the prime-order subgroup, not the identity."""
    p = parse_point(obj, field)
    problem = bj.public_key_problem(p)
    if problem is not None:
        raise MalformedInput(field, problem)
    return p


KEY_FILE_TYPE = "zkob-eddsa-poseidon-private-key"


def key_file_to_json(prv: bytes) -> dict[str, Any]:
    """The private key file of ``zkob keygen``: type, 64 lowercase hex digits, public key."""
    return {"type": KEY_FILE_TYPE, "private_key": _check_private_key(prv).hex(),
            "public_key": public_key_to_json(private_to_public(prv))}


def key_file_from_json(obj: object, field: str = "key") -> tuple[bytes, bj.Point]:
    """Strictly parse a key file: exact keys, 64 lowercase hex digits, matching public key."""
    d = _strict_keys(obj, {"type", "private_key", "public_key"}, field)
    if d["type"] != KEY_FILE_TYPE:
        raise MalformedInput(f"{field}.type", f"expected {KEY_FILE_TYPE!r}")
    text = d["private_key"]
    if not isinstance(text, str) or len(text) != 64 or not set(text) <= set("0123456789abcdef"):
        raise MalformedInput(f"{field}.private_key", "expected 64 lowercase hex digits")
    prv = bytes.fromhex(text)
    a = private_to_public(prv)
    if parse_point(d["public_key"], f"{field}.public_key") != a:
        raise MalformedInput(f"{field}.public_key", "does not match the private key")
    return prv, a
