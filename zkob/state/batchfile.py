"""Strict parsing of batch files (docs/protocol.md sections 4, 7 and 10) and the slot packing.

``{"ops": [OP, ...], "time": T, "reports": [REPORT, ...], "salt": "<decimal Fr>"}``:
``time`` is required (seconds, below 2^32), ``reports`` holds 0..M oracle
reports (state/oracle.py parses them; default none), ``salt`` is optional
(drawn from ``secrets`` when absent). An OP is
``{"op": TYPE, FIELD: VALUE, ...}`` with exactly the table's fields
(fields and their JSON forms from the op table, protocol.py; deposit's
``pubkey`` may be omitted). Signed ops (withdraw, place, cancel) also
carry ``"sig": {"R8": [x, y], "S": s}`` (decimal strings, R8 on Baby
Jubjub, S below l; docs/protocol.md section 9), required unless the caller
parses an unsigned draft for ``zkob sign`` (``require_sigs=False``);
the other ops carry none. Numbers are JSON integers up to
2^53 - 1 or canonical decimal strings below r; booleans, floats,
non-canonical strings, duplicate keys, unknown types or fields, a side
other than "buy"/"sell", a kind other than "future"/"call"/"put", more
than K ops and more than M reports are refused with ``MalformedInput``
naming the op index and field. A signed field (margin's ``amount``) is a
JSON integer or a decimal string with at most one leading '-'. Rules about
values (ranges, existence) belong to the transition, which raises
``Rejected``.

**Packing** (V2.md, rule ``slot_layout``): ``place_ops`` puts op j into
the earliest slot after op j-1's whose kind (params.slot_kinds) accepts
it; skipped slots and the tail hold noops. Greedy earliest is optimal: a
batch fits some order-preserving placement iff it fits this one.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..zk.eddsa import signature_from_json
from ..zk.errors import MalformedInput
from ..zk.field import R
from ..zk.strict_json import load_json
from .errors import Rejected
from .instruments import kind_from_json
from .ops import OP_CLASSES, Noop, Op, to_json
from .oracle import Report, parse_batch_time, parse_reports, report_to_json
from .params import Params
from .protocol import OPS, SIDE_NAMES, SlotKind
from .signed import parse_signed, parse_unsigned

BATCH_FIELDS = ("ops", "time", "reports", "salt")


@dataclass(frozen=True)
class Batch:
    """Parsed ops (1..K, unpacked), the batch time, the reports and the salt.

    ``salt_given`` is False when the salt was drawn (the file named none).
    """

    ops: tuple[Op, ...]
    salt: int
    salt_given: bool = True
    time: int = 0
    reports: tuple[Report, ...] = ()

    def placed(self, params: Params) -> tuple[tuple[Op, ...], tuple[int | None, ...]]:
        """The K slots' ops (packed by ``place_ops``) and each slot's op index (None: padding)."""
        return place_ops(self.ops, params.slot_kinds)

    def to_json(self) -> dict:
        """Canonical batch-file form (decimal strings; time, reports and the salt always present)."""
        return {"ops": [to_json(op) for op in self.ops], "time": self.time,
                "reports": [report_to_json(r) for r in self.reports], "salt": str(self.salt)}

    def dumps(self) -> str:
        return json.dumps(self.to_json(), separators=(",", ":"), sort_keys=True)


def place_ops(ops: tuple[Op, ...], kinds: tuple[SlotKind, ...]) -> tuple[tuple[Op, ...], tuple[int | None, ...]]:
    """Pack ``ops`` in order into slots of these kinds; ``Rejected("slot_layout")`` names the first op without one.

    Op j goes to the earliest slot after op j-1's slot whose kind accepts
    it; every other slot holds a noop. More ops than slots is MalformedInput.
    """
    if len(ops) > len(kinds):
        raise MalformedInput("ops", f"batch has {len(ops)} ops, more than batch_size {len(kinds)}")
    slots: list[Op] = [Noop()] * len(kinds)
    index: list[int | None] = [None] * len(kinds)
    slot = 0
    for j, op in enumerate(ops):
        while slot < len(kinds) and not op.SPEC.accepted_by(kinds[slot]):
            slot += 1
        if slot == len(kinds):
            full = sum(1 for k in kinds if k == "full")
            raise Rejected("slot_layout", j, op.NAME,
                           f"no {'full ' if op.SPEC.full_only else ''}slot is left after the previous op's "
                           f"(the {len(kinds)} slots have {full} full ones: {' '.join(kinds)})")
        slots[slot], index[slot] = op, j
        slot += 1
    return tuple(slots), tuple(index)


def random_salt() -> int:
    """A uniformly random salt in Fr from ``secrets``."""
    return secrets.randbelow(R)


def _number(value: object, field: str) -> int:
    return parse_unsigned(value, field, R)


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


def _signed(raw: object, label: str) -> int:
    return parse_signed(raw, label)


_FIELD_PARSERS: dict[str, Callable[[object, str], object]] = {
    "uint": _number, "side": _side, "pubkey": _pubkey, "signed": _signed, "kind": kind_from_json,
}


def parse_batch(data: object, params: Params, draw_salt: Callable[[], int] = random_salt,
                require_sigs: bool = True) -> Batch:
    """A decoded batch object -> Batch for these params (K ops, M reports); draws the salt when absent."""
    if not isinstance(data, dict):
        raise MalformedInput("batch", "expected a JSON object {\"ops\": [...], \"time\": T, ...}")
    unknown = sorted(set(data) - set(BATCH_FIELDS))
    if unknown:
        raise MalformedInput(f"batch.{unknown[0]}", "unknown field")
    raw_ops = data.get("ops")
    if not isinstance(raw_ops, list):
        raise MalformedInput("ops", "missing or not a list")
    if not 1 <= len(raw_ops) <= params.batch_size:
        raise MalformedInput("ops", f"a batch holds 1..{params.batch_size} ops, got {len(raw_ops)}")
    if "time" not in data:
        raise MalformedInput("time", "missing: a batch names its time (seconds, below 2^32)")
    time = parse_batch_time(data["time"])
    reports = parse_reports(data.get("reports", []), params.reports)
    ops = tuple(parse_op(obj, i, require_sigs) for i, obj in enumerate(raw_ops))
    if "salt" in data:
        return Batch(ops, _number(data["salt"], "salt"), True, time, reports)
    return Batch(ops, draw_salt(), False, time, reports)


def loads_batch(text: str | bytes, params: Params, draw_salt: Callable[[], int] = random_salt,
                require_sigs: bool = True) -> Batch:
    """Parse batch-file text strictly (duplicate keys, floats, NaN/Infinity refused)."""
    return parse_batch(load_json(text, "batch", floats_to_fields=True), params, draw_salt, require_sigs)


def load_batch(path: str | Path, params: Params, draw_salt: Callable[[], int] = random_salt,
               require_sigs: bool = True) -> Batch:
    """Read and parse a batch file; an unreadable file is a MalformedInput too."""
    try:
        text = Path(path).read_bytes()
    except OSError as exc:
        raise MalformedInput(str(path), f"cannot read batch file: {exc.strerror or exc}") from None
    return loads_batch(text, params, draw_salt, require_sigs)

