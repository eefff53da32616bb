"""The part of the Solidity ABI encoding that zkob's calls need.

Types: ``uintN`` (each a full word), ``address``, ``bool``, static arrays of them
(``uint256[2][2]``) and one-dimensional dynamic arrays (``uint256[]``).
Values are ints (addresses as 20 bytes or ints), nested lists for arrays.
``call_data("f(uint256[2],uint256[])", [a, b])`` gives selector + head +
tail exactly as solc's decoder expects.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from .keccak import keccak256, selector

_TYPE = re.compile(r"^(uint\d*|address|bool)((?:\[\d*\])*)$")


def _parse(typ: str) -> tuple[str, list[int | None]]:
    m = _TYPE.match(typ)
    if not m:
        raise ValueError(f"unsupported ABI type {typ}")
    dims = [int(d) if d else None for d in re.findall(r"\[(\d*)\]", m.group(2))]
    if None in dims[:-1] or dims.count(None) > 1:
        raise ValueError(f"only the outermost dimension may be dynamic: {typ}")
    return m.group(1), dims


def _word(base: str, value: Any) -> bytes:
    if base.startswith("uint") and base != "uint256":
        bits = int(base[4:])
        if isinstance(value, int) and value >> bits:
            raise ValueError(f"{base} value out of range: {value!r}")
    if base == "address" and isinstance(value, (bytes, bytearray)):
        if len(value) != 20:
            raise ValueError("an address is 20 bytes")
        value = int.from_bytes(value, "big")
    if isinstance(value, bool):
        value = int(value)
    if not isinstance(value, int) or not 0 <= value < 1 << 256:
        raise ValueError(f"{base} value out of range: {value!r}")
    return value.to_bytes(32, "big")


def _static(base: str, dims: Sequence[int | None], value: Any) -> bytes:
    """Encode a static value (every dimension fixed): elements inline, innermost dimension last."""
    if not dims:
        return _word(base, value)
    size = dims[-1]
    if not isinstance(value, (list, tuple)) or len(value) != size:
        raise ValueError(f"expected {size} elements")
    return b"".join(_static(base, dims[:-1], v) for v in value)


def split_signature(signature: str) -> tuple[str, list[str]]:
    name, _, rest = signature.partition("(")
    inner = rest[:-1]
    return name, [t for t in inner.split(",") if t]


def encode(types: Sequence[str], values: Sequence[Any]) -> bytes:
    """ABI-encode ``values`` as the tuple ``types`` (head, then the tails of dynamic arrays)."""
    if len(types) != len(values):
        raise ValueError("as many values as types")
    parsed = [_parse(t) for t in types]
    head_size = sum(32 if dims and dims[-1] is None else 32 * _count(dims) for _, dims in parsed)
    head, tail = b"", b""
    for (base, dims), value in zip(parsed, values):
        if dims and dims[-1] is None:
            head += (head_size + len(tail)).to_bytes(32, "big")
            tail += len(value).to_bytes(32, "big") + b"".join(_static(base, dims[:-1], v) for v in value)
        else:
            head += _static(base, dims, value)
    return head + tail


def _count(dims: Sequence[int | None]) -> int:
    n = 1
    for d in dims:
        n *= d or 1
    return n


def call_data(signature: str, values: Sequence[Any]) -> bytes:
    """Selector + encoded arguments for a canonical signature like ``f(uint256,uint256[])``."""
    _, types = split_signature(signature)
    return selector(signature) + encode(types, values)


def event_topic(signature: str) -> int:
    return int.from_bytes(keccak256(signature.encode()), "big")


def words(data: bytes) -> list[int]:
    """Split returned data or log data into 256-bit words."""
    if len(data) % 32:
        raise ValueError("ABI data is a whole number of words")
    return [int.from_bytes(data[i:i + 32], "big") for i in range(0, len(data), 32)]
