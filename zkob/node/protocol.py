"""The node's edge with the protocol: which ops users send, how a batch is made and checked.

Everything the sequencer knows about op types, batch files, time and
oracle reports goes through here, and everything here goes through the
state layer's public APIs (the op table in state/protocol.py, strict
parsing in state/batchfile.py and state/oracle.py, ``trace_batch``), so
a protocol version changes this module and nothing else in zkob/node/.

- User ops (``POST /v1/ops``) are the op table's signed ops (withdraw,
  place, cancel; v2 adds margin, dplace, liquidate). Deposits come from
  the bridge (``POST /v1/deposits``); fills come from the node's own
  matching engine; everything else is refused at the door.
- ``check`` runs a whole batch through ``trace_batch`` on the state the
  earlier batches leave (the sequencer uses it for a report, with one
  noop, and tests compare it with the incremental check of checker.py,
  which the sequencer runs per op: O(1) instead of this O(K) trace).

Cost of ``check``: one trace of the batch (up to K ops: Merkle updates
plus one EdDSA verification, ~6 ms, per signed op).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..state.batchfile import Batch, parse_op, place_ops
from ..state.errors import Rejected
from ..state.oracle import parse_report, report_to_json
from ..state.ops import Op, to_json
from ..state.params import Params
from ..state.protocol import OPS, SIGNED
from ..state.state import State
from ..state.transition import trace_batch
from ..zk.errors import MalformedInput

USER_OPS: tuple[str, ...] = SIGNED
BRIDGE_OPS = ("deposit",)
ORDER_OPS = tuple(name for name in ("place", "dplace") if name in OPS)


def parse_user_op(obj: object) -> Op:
    """A user's signed op, strictly parsed (MalformedInput names the field); other op types refused."""
    name = obj.get("op") if isinstance(obj, dict) else None
    if isinstance(name, str) and name in OPS and name not in USER_OPS:
        raise MalformedInput("op", f"a {name} is not a user op; POST /v1/ops takes {', '.join(USER_OPS)}")
    return _parse(obj)


def parse_deposit(obj: object) -> Op:
    """One bridge deposit (``{"op": "deposit", ...}``), strictly parsed."""
    name = obj.get("op") if isinstance(obj, dict) else None
    if name not in BRIDGE_OPS:
        raise MalformedInput("op", f"the bridge posts deposits only, got {name!r}")
    return _parse(obj)


def _parse(obj: object) -> Op:
    try:
        return parse_op(obj, 0)
    except MalformedInput as exc:  # "ops[0] (place).price: ..." reads oddly for one posted op
        raise MalformedInput(exc.field.replace("ops[0]", "op", 1), exc.reason) from None


def op_json(op: Op) -> dict:
    """The canonical JSON form the log and the batch files hold."""
    return to_json(op)


def op_from_json(obj: dict) -> Op:
    """An op read back from the log (it was canonical when logged)."""
    return parse_op(obj, 0, require_sigs=obj.get("op") in USER_OPS)


def noop() -> Op:
    """The op a batch opened only to carry waiting reports holds."""
    return parse_op({"op": "noop"}, 0)


def max_reports(params: Params) -> int:
    """How many oracle reports one batch carries (M; 0 in protocol version 1, which has none)."""
    return int(getattr(params, "reports", 0))


def parse_committee_report(obj: object) -> dict:
    """A committee-signed report, strictly parsed, in its canonical JSON form (signatures are checked in the batch)."""
    return report_to_json(parse_report(obj, 0))


def make_batch(ops: Sequence[Op], salt: int, time: int, reports: Sequence[dict]) -> Batch:
    """The batch file the node cuts: its ops in sequence order, the node's time, the reports, the salt."""
    parsed = tuple(parse_report(r, i) for i, r in enumerate(reports))
    return Batch(tuple(ops), salt, True, time, parsed)


def fits(params: Params, ops: Sequence[Op]) -> bool:
    """Whether ``ops`` fit one batch: at most K, and a slot of an accepting kind (spot/full) for each in order."""
    if len(ops) > params.batch_size:
        return False
    try:
        place_ops(tuple(ops), params.slot_kinds)
    except Rejected:
        return False
    return True


def check(view: State, ops: Sequence[Op], time: int, reports: Sequence[dict]) -> None:
    """Raise Rejected (rule, op index into ``ops``) unless the batch of ``ops`` passes on ``view``.

    The salt does not enter any rule; 0 is used for the check.
    """
    trace_batch(view, make_batch(ops, 0, time, reports))


def market_of(op: Op) -> tuple[int, int, int]:
    """The book an order op rests in: (base, quote, instrument); spot orders have instrument 0."""
    return (getattr(op, "base", 0), getattr(op, "quote", 0), getattr(op, "instrument", 0))


def fill_op(taker: int, maker: int, qty: int, market: tuple[int, int, int]) -> Op:
    """The operator's fill between two resting orders (a derivatives fill for an instrument's book)."""
    name = "fill" if market[2] == 0 else "dfill"
    return parse_op({"op": name, "taker": taker, "maker": maker, "qty": qty}, 0)


def venue_of(params_json: dict) -> int:
    """The venue id signed messages carry: the config's venue_id in the node's params.json object."""
    config = params_json.get("config") if isinstance(params_json, dict) else None
    if not isinstance(config, dict) or "venue_id" not in config:
        raise MalformedInput("params.config.venue_id", "the node's params name no venue")
    return int(config["venue_id"])


def sign_user_op(op: Op, private_key: bytes, nonce: int, venue: int) -> Op:
    """``op`` signed by its account's key for ``venue`` at ``nonce``: H(venue, op_hash, nonce)."""
    from ..state.signing import sign_op

    return sign_op(op, private_key, nonce, venue)


def parse_draft(obj: object) -> Op:
    """An unsigned user op (for ``zkob client post``), strictly parsed."""
    name = obj.get("op") if isinstance(obj, dict) else None
    if name not in USER_OPS:
        raise MalformedInput("op", f"expected one of {', '.join(USER_OPS)}, got {name!r}")
    return parse_op(obj, 0, require_sigs=False)
