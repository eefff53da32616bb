"""Strict parsing of batch files (docs/protocol.md sections 4 and 7).

``{"ops": [OP, ...], "salt": "<decimal Fr>"}``; an OP is
``{"op": TYPE, FIELD: VALUE, ...}`` with exactly the table's fields
(fields and their JSON forms from the op table, protocol.py; deposit's
``pubkey`` may be omitted). Signed ops (withdraw, place, cancel) also
carry ``"sig": {"R8": [x, y], "S": s}`` (decimal strings, R8 on Baby
Jubjub, S below l; docs/protocol.md section 4), required unless the caller
parses an unsigned draft for ``zkob sign`` (``require_sigs=False``);
the other ops carry none. Numbers are JSON integers up to
2^53 - 1 or canonical decimal strings below r; booleans, floats,
non-canonical strings, duplicate keys, unknown types or fields, a side
other than "buy"/"sell" and more than K ops are refused with
``MalformedInput`` naming the op index and field. Rules about values
(ranges, existence) belong to transition.py, which raises ``Rejected``.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..zk.eddsa import signature_from_json
from ..zk.errors import MalformedInput
from ..zk.field import R, parse_int
from ..zk.strict_json import load_json
from .ops import OP_CLASSES, Noop, Op, to_json
from .protocol import OPS, SIDE_NAMES

JSON_SAFE_INT = (1 << 53) - 1


@dataclass(frozen=True)
class Batch:
    """Parsed ops (1..K, unpadded) and the salt; ``salt_given`` False when it was drawn."""

    ops: tuple[Op, ...]
    salt: int
    salt_given: bool = True

    def padded(self, batch_size: int) -> tuple[Op, ...]:
        """The ops followed by noops up to ``batch_size`` slots."""
        if len(self.ops) > batch_size:
            raise MalformedInput("ops", f"batch has {len(self.ops)} ops, more than batch_size {batch_size}")
        return self.ops + (Noop(),) * (batch_size - len(self.ops))

    def to_json(self) -> dict:
        """Canonical batch-file form (decimal strings; the salt always present)."""
        return {"ops": [to_json(op) for op in self.ops], "salt": str(self.salt)}

    def dumps(self) -> str:
        return json.dumps(self.to_json(), separators=(",", ":"), sort_keys=True)


def random_salt() -> int:
    """A uniformly random salt in Fr from ``secrets``."""
    return secrets.randbelow(R)


def _number(value: object, field: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value > JSON_SAFE_INT:
        raise MalformedInput(field, "integers above 2^53 - 1 must be written as decimal strings")
    return parse_int(value, field, R)


def parse_op(obj: object, index: int, require_sigs: bool = True) -> Op:
    """One op object -> an Op dataclass; raises MalformedInput naming ``ops[index]`` and the field.

    The op table (protocol.py) says which fields each type has and how
    each is written. ``require_sigs=False`` lets a signed op omit ``sig``
    (an unsigned draft); a sig on an unsigned op is always refused.
    """
    where = f"ops[{index}]"
    if not isinstance(obj, dict):
        raise MalformedInput(where, "an op must be a JSON object")
    name = obj.get("op")
    if not isinstance(name, str) or name not in OPS:
        raise MalformedInput(f"{where}.op", f"unknown op type {name!r}; expected one of {sorted(OPS)}")
    spec = OPS[name]
    where = f"ops[{index}] ({name})"
    given = set(obj) - {"op"}
    if "sig" in given and spec.signer is None:
        raise MalformedInput(f"{where}.sig", f"a {name} carries no signature ({spec.unsigned_because})")
    unknown = sorted(given - set(spec.field_names) - {"sig"})
    if unknown:
        raise MalformedInput(f"{where}.{unknown[0]}", "unknown field")
    missing = [f.name for f in spec.fields if f.name not in given and not f.optional]
    if missing:
        raise MalformedInput(f"{where}.{missing[0]}", "missing field")
    if spec.signer is not None and "sig" not in given and require_sigs:
        raise MalformedInput(f"{where}.sig", f"a {name} must be signed by the account's key "
                             "(\"sig\": {\"R8\": [x, y], \"S\": s}; see zkob sign)")
    values: dict[str, object] = {f.name: _FIELD_PARSERS[f.kind](obj[f.name], f"{where}.{f.name}")
                                 for f in spec.fields if f.name in obj}
    if "sig" in obj:
        values["sig"] = signature_from_json(obj["sig"], f"{where}.sig")
    return OP_CLASSES[name](**values)  # type: ignore[arg-type]


def _side(raw: object, label: str) -> int:
    if not isinstance(raw, str) or raw not in SIDE_NAMES:
        raise MalformedInput(label, f"side must be \"buy\" or \"sell\", got {raw!r}")
    return SIDE_NAMES.index(raw)


def _pubkey(raw: object, label: str) -> tuple[int, int]:
    if not isinstance(raw, list) or len(raw) != 2:
        raise MalformedInput(label, "pubkey must be a list [x, y]")
    x, y = _number(raw[0], f"{label}[0]"), _number(raw[1], f"{label}[1]")
    if (x, y) == (0, 0):
        raise MalformedInput(label, "[0, 0] is the encoding of 'no pubkey'; omit the field instead")
    return (x, y)


_FIELD_PARSERS: dict[str, Callable[[object, str], object]] = {"uint": _number, "side": _side, "pubkey": _pubkey}


def parse_batch(data: object, batch_size: int, draw_salt: Callable[[], int] = random_salt,
                require_sigs: bool = True) -> Batch:
    """A decoded batch object -> Batch; draws the salt with ``draw_salt`` when absent."""
    if not isinstance(data, dict):
        raise MalformedInput("batch", "expected a JSON object {\"ops\": [...], \"salt\": ...}")
    unknown = sorted(set(data) - {"ops", "salt"})
    if unknown:
        raise MalformedInput(f"batch.{unknown[0]}", "unknown field")
    raw_ops = data.get("ops")
    if not isinstance(raw_ops, list):
        raise MalformedInput("ops", "missing or not a list")
    if not 1 <= len(raw_ops) <= batch_size:
        raise MalformedInput("ops", f"a batch holds 1..{batch_size} ops, got {len(raw_ops)}")
    ops = tuple(parse_op(obj, i, require_sigs) for i, obj in enumerate(raw_ops))
    if "salt" in data:
        return Batch(ops, _number(data["salt"], "salt"), True)
    return Batch(ops, draw_salt(), False)


def loads_batch(text: str | bytes, batch_size: int, draw_salt: Callable[[], int] = random_salt,
                require_sigs: bool = True) -> Batch:
    """Parse batch-file text strictly (duplicate keys, floats, NaN/Infinity refused)."""
    return parse_batch(load_json(text, "batch", floats_to_fields=True), batch_size, draw_salt, require_sigs)


def load_batch(path: str | Path, batch_size: int, draw_salt: Callable[[], int] = random_salt,
               require_sigs: bool = True) -> Batch:
    """Read and parse a batch file; an unreadable file is a MalformedInput too."""
    try:
        text = Path(path).read_bytes()
    except OSError as exc:
        raise MalformedInput(str(path), f"cannot read batch file: {exc.strerror or exc}") from None
    return loads_batch(text, batch_size, draw_salt, require_sigs)

