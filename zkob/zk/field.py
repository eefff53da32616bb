"""The BN254 fields and strict canonical parsing of their elements.

``R`` is the scalar field Fr (the field of witnesses, Poseidon and R1CS);
``Q`` the base field Fq of the curve. Elements are plain Python ints in
[0, p). Imports nothing but the standard library, so the light-client
verifier can use it.
"""

from __future__ import annotations

from collections.abc import Sequence

from .errors import MalformedInput

R = 21888242871839275222246405745257275088548364400416034343698204186575808495617
Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583

TWO_ADICITY = 28  # 2^28 divides r - 1
GENERATOR = 5  # the multiplicative generator of Fr* snarkjs (and galois) use

_DIGITS = frozenset("0123456789")


def root_of_unity(n: int) -> int:
    """The standard primitive n-th root of unity of Fr, 5^((r-1)/n), for n a power of two <= 2^28."""
    k = n.bit_length() - 1
    if n <= 0 or n != 1 << k or k > TWO_ADICITY:
        raise ValueError(f"domain size {n} is not a power of two <= 2^28")
    return pow(pow(GENERATOR, (R - 1) >> TWO_ADICITY, R), 1 << (TWO_ADICITY - k), R)


def parse_decimal(text: object, field: str, modulus: int = R) -> int:
    """Parse a canonical decimal string into an element of [0, modulus).

    Canonical means ASCII digits only, no sign, no leading zero (but "0"),
    no separators, no hex, no float, and a value below ``modulus``.
    Raises MalformedInput naming ``field``; never anything else.
    """
    if not isinstance(text, str):
        raise MalformedInput(field, f"expected a decimal string, got {type(text).__name__}")
    if not text or not set(text) <= _DIGITS:
        raise MalformedInput(field, f"not a canonical decimal string: {text[:80]!r}")
    if len(text) > 1 and text[0] == "0":
        raise MalformedInput(field, f"leading zero in {text[:80]!r}")
    if len(text) > 80:
        raise MalformedInput(field, "number too long")
    value = int(text)
    if value >= modulus:
        raise MalformedInput(field, "value is not below the field modulus")
    return value


def parse_int(value: object, field: str, bound: int) -> int:
    """Parse a JSON integer or canonical decimal string into [0, bound).

    Booleans, floats, negative numbers and non-canonical strings are refused
    (docs/protocol.md section 7: integers in batch files parse as strictly as in
    the verifier).
    """
    if isinstance(value, bool):
        raise MalformedInput(field, "expected an integer, got a boolean")
    if isinstance(value, int):
        if value < 0:
            raise MalformedInput(field, "negative value")
        if value >= bound:
            raise MalformedInput(field, f"value must be below {bound}")
        return value
    if isinstance(value, str):
        return parse_decimal(value, field, bound)
    raise MalformedInput(field, f"expected an integer or decimal string, got {type(value).__name__}")


def inv(x: int, p: int = R) -> int:
    """Multiplicative inverse modulo ``p``; raises ZeroDivisionError on 0."""
    if x % p == 0:
        raise ZeroDivisionError("inverse of zero")
    return pow(x, -1, p)


def batch_inv(xs: Sequence[int], p: int = R) -> list[int]:
    """Inverses of all ``xs`` with one modular inversion (Montgomery's trick).

    Costs 3(n-1) multiplications and one inversion. Zero entries map to 0.
    """
    prefix = []
    acc = 1
    for x in xs:
        prefix.append(acc)
        if x:
            acc = acc * x % p
    inv_acc = pow(acc, -1, p)
    out = [0] * len(xs)
    for i in range(len(xs) - 1, -1, -1):
        x = xs[i]
        if x:
            out[i] = prefix[i] * inv_acc % p
            inv_acc = inv_acc * x % p
    return out
