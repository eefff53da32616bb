"""Signed integers of DESIGN.md section 10: their field encoding, bounds and JSON form.

Cash, position sizes and margin amounts are signed. They live in hashes
and op encodings as the field element ``x mod r`` (``to_field``); the
inverse ``from_field`` takes the bound the value must respect and refuses
anything else, so a stored or decoded value has exactly one meaning.

Bounds (exclusive, on the absolute value): a position size below 2^40,
cash below 2^96, a margin amount below 2^64. The circuit checks the same
bounds with ``circuits.gadgets.signed``.

JSON (DESIGN.md section 10): a signed integer is a JSON integer (at most
2^53 - 1 in absolute value: other readers lose precision above) or a
decimal string with at most one leading '-': no "-0", no leading zeros,
no '+', no spaces. Standard library only; costs nothing worth stating.
"""

from __future__ import annotations

from ..zk.errors import MalformedInput
from ..zk.field import R, parse_int

SIZE_BITS = 40
CASH_BITS = 96
AMOUNT_BITS = 64
JSON_SAFE_INT = (1 << 53) - 1
#: the largest absolute value with a unique encoding x mod r
HALF_R = (R - 1) // 2
_DIGITS = frozenset("0123456789")


def fits(x: int, bits: int) -> bool:
    """True when |x| < 2^bits."""
    return -(1 << bits) < x < (1 << bits)


def to_field(x: int) -> int:
    """The field element x mod r of a signed integer with |x| <= (r - 1) / 2."""
    if isinstance(x, bool) or not isinstance(x, int) or abs(x) > HALF_R:
        raise ValueError(f"not a signed integer with a unique field encoding: {x!r}")
    return x % R


def from_field(element: int, bits: int, field: str = "value") -> int:
    """The signed integer x with |x| < 2^bits whose encoding is ``element``.

    Raises MalformedInput naming ``field`` when ``element`` is not in
    [0, r) or encodes no such x (e.g. 2^bits, or r - 2^bits).
    """
    if isinstance(element, bool) or not isinstance(element, int) or not 0 <= element < R:
        raise MalformedInput(field, "not a field element in [0, r)")
    if element < (1 << bits):
        return element
    if element > R - (1 << bits):
        return element - R
    raise MalformedInput(field, f"does not encode a signed integer of absolute value below 2^{bits}")


def parse_unsigned(value: object, field: str, bound: int = R) -> int:
    """A JSON integer (<= 2^53 - 1) or canonical decimal string in [0, bound); MalformedInput names ``field``.

    The rule of batch files (DESIGN.md sections 4 and 8) for the v2 inputs
    (config, reports): large values must be strings, no sign, no leading zero.
    """
    if isinstance(value, int) and not isinstance(value, bool) and value > JSON_SAFE_INT:
        raise MalformedInput(field, "integers above 2^53 - 1 must be written as decimal strings")
    return parse_int(value, field, bound)


def parse_signed(value: object, field: str, bits: int | None = None) -> int:
    """A JSON integer or canonical signed decimal string -> int; MalformedInput names ``field``.

    With ``bits`` the value must also satisfy |x| < 2^bits; without, only
    a unique field encoding (|x| <= (r - 1) / 2) is required, and the
    rules judge the range (a margin amount of 2^64 is a rule violation,
    not a typo).
    """
    if isinstance(value, bool):
        raise MalformedInput(field, "expected a signed integer, got a boolean")
    if isinstance(value, int):
        if abs(value) > JSON_SAFE_INT:
            raise MalformedInput(field, "integers beyond 2^53 - 1 in absolute value must be decimal strings")
        x = value
    elif isinstance(value, str):
        x = _parse_signed_decimal(value, field)
    else:
        raise MalformedInput(field, f"expected a signed integer or decimal string, got {type(value).__name__}")
    if abs(x) > HALF_R:
        raise MalformedInput(field, "absolute value too large for a field encoding")
    if bits is not None and not fits(x, bits):
        raise MalformedInput(field, f"absolute value must be below 2^{bits}")
    return x


def _parse_signed_decimal(text: str, field: str) -> int:
    digits = text[1:] if text.startswith("-") else text
    if not digits or not set(digits) <= _DIGITS:
        raise MalformedInput(field, f"not a canonical signed decimal string: {text[:80]!r}")
    if len(digits) > 1 and digits[0] == "0":
        raise MalformedInput(field, f"leading zero in {text[:80]!r}")
    if len(digits) > 80:
        raise MalformedInput(field, "number too long")
    if text == "-0":
        raise MalformedInput(field, "\"-0\" is not canonical; write \"0\"")
    return int(text)


def signed_to_json(x: int) -> str:
    """The canonical decimal string of a signed integer (what ``parse_signed`` reads back)."""
    return str(x)
