"""A light client: follows a chain of batch proofs from a trusted root.

It holds a verification key (by digest), the root it trusts and its
height. Each step is a (public, proof) pair with the batch's public
bridge record (its deposits and withdrawals), which may be left out only
when the bridge digest is 0. A step is accepted when, in this order:

1. the public inputs are six canonical field elements
   [old_root, new_root, commitment, bridge, market, time];
2. they were not applied before (a *replay*). Groth16 proofs are
   malleable ((-A, -B, C) verifies too), so replays are recognised by the
   statement, never by proof bytes;
3. old_root is the current root (else a *fork* when it is a root this
   client passed earlier, a *gap* when it has never seen it);
4. time does not go backwards: the public time is at least the last
   accepted batch's (and, with a clock, at most ``now + slack``);
5. the bridge record hashes to the public bridge digest; a step without
   one is refused unless that digest is 0 (no deposit, no withdrawal), so
   every step that moves money tells the bridge what it moved;
6. the market record (market.json: the batch's reports and list ops), when
   given, hashes to the public market digest and names the public time.
   Given the committee's published feed (feed.py), every report in it must
   be one the committee published, a record is required unless the market
   digest is 0, and an index report for which the feed has a newer one at
   or before the batch time is flagged (``Accepted.flags``), not refused:
   the operator may not have seen it in time;
7. the proof verifies under the key.

A refused step leaves the client exactly where it was. ``advance`` is a
pure function over ``ClientState``; ``LightClient`` persists the state as
one JSON file written atomically, and ``LightClient.open`` holds an
exclusive lock (flock on ``STATE.lock`` beside it) from reading the file
to writing it back, so two followers of one file never lose an update.
A bridge record is bounded (MAX_BRIDGE_RECORD_BYTES of JSON, MAX_BATCH
ops) before anything in it is hashed. Imports: py_ecc and the standard
library only (no numpy), so a light client can vendor it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from ..zk.errors import MalformedInput
from ..zk.field import R, parse_decimal
from ..zk.files import write_atomic
from ..zk.formats.snarkjs_json import vk_to_json
from ..zk.groth16.batch import verify_batch
from ..zk.verifier import Proof, VerifyingKey, verify
from .batchfile import parse_op
from .digest import record_digest
from .feed import FeedReport, MarketRecord, newer_index_reports
from .ops import Op
from .params import MAX_BATCH
from .protocol import PUBLIC_INPUTS

FORMAT = "zkob-light-client-2"
N_PUBLIC = len(PUBLIC_INPUTS)
# A record lists at most one batch's deposits and withdrawals (<= MAX_BATCH ops of about 500 bytes
# of indented JSON each), so 4 MiB holds the largest honest one and bounds what a follower hashes.
MAX_BRIDGE_RECORD_BYTES = 4 << 20


def vk_digest(vk: VerifyingKey) -> str:
    """SHA-256 of the key's canonical snarkjs JSON (sorted keys, no spaces)."""
    text = json.dumps(vk_to_json(vk), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def statement_id(public: Sequence[int]) -> str:
    """The identity of a statement: SHA-256 of its public inputs (never of the proof)."""
    return hashlib.sha256(",".join(str(x) for x in public).encode()).hexdigest()


@dataclass(frozen=True)
class ClientState:
    """What a light client knows: key digest, the trusted genesis root, where it is now."""

    vk_digest: str
    genesis: int
    root: int
    height: int
    roots: tuple[int, ...]          # roots reached, genesis first (to tell forks from gaps)
    statements: frozenset[str]      # statement ids of applied steps
    time: int = 0                   # the last accepted batch's time (the trusted root's when given)

    @classmethod
    def start(cls, vk: VerifyingKey, root: int, time: int = 0) -> ClientState:
        return cls(vk_digest(vk), root, root, 0, (root,), frozenset(), time)

    def to_json(self) -> str:
        return json.dumps({
            "format": FORMAT, "vk_digest": self.vk_digest, "genesis": str(self.genesis),
            "root": str(self.root), "height": self.height, "roots": [str(r) for r in self.roots],
            "statements": sorted(self.statements), "time": self.time,
        }, indent=1) + "\n"

    @classmethod
    def from_json(cls, text: str) -> ClientState:
        """Strict parse of a saved state; raises MalformedInput naming the field."""
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise MalformedInput("light client state", f"not JSON: {exc}") from None
        keys = {"format", "vk_digest", "genesis", "root", "height", "roots", "statements", "time"}
        if not isinstance(data, dict) or set(data) != keys or data["format"] != FORMAT:
            raise MalformedInput("light client state", f"not a {FORMAT} file")
        height, roots = data["height"], data["roots"]
        if not isinstance(height, int) or isinstance(height, bool) or height < 0:
            raise MalformedInput("light client state.height", "not a non-negative integer")
        if not isinstance(roots, list) or len(roots) != height + 1:
            raise MalformedInput("light client state.roots", "must list height + 1 roots")
        statements = data["statements"]
        if not isinstance(statements, list) or not all(isinstance(s, str) and len(s) == 64 for s in statements):
            raise MalformedInput("light client state.statements", "must be a list of SHA-256 hex digests")
        if not isinstance(data["vk_digest"], str) or len(data["vk_digest"]) != 64:
            raise MalformedInput("light client state.vk_digest", "not a SHA-256 hex digest")
        time = data["time"]
        if not isinstance(time, int) or isinstance(time, bool) or not 0 <= time < 1 << 32:
            raise MalformedInput("light client state.time", "not a time below 2^32")
        parsed_roots = tuple(parse_decimal(r, f"light client state.roots[{i}]") for i, r in enumerate(roots))
        state = cls(
            data["vk_digest"], parse_decimal(data["genesis"], "light client state.genesis"),
            parse_decimal(data["root"], "light client state.root"), height, parsed_roots, frozenset(statements),
            time,
        )
        if state.roots[0] != state.genesis or state.roots[-1] != state.root:
            raise MalformedInput("light client state.roots", "must run from genesis to the current root")
        return state


@dataclass(frozen=True)
class Step:
    """One batch as a light client sees it; ``bridge_record`` may be None only when public bridge is 0."""

    public: tuple[int, ...]
    proof: Proof
    bridge_record: tuple[Op, ...] | None = None
    market_record: MarketRecord | None = None


@dataclass(frozen=True)
class Accepted:
    """An applied step: the height and time it reached, the bridge ops it carried, its market record and flags.

    ``flags`` are notes against the committee's feed (an index report used
    while a newer one had been published at or before the batch time).
    """

    height: int
    old_root: int
    new_root: int
    bridge_ops: tuple[Op, ...]
    time: int = 0
    market_record: MarketRecord | None = None
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Outcome:
    """Result of a run of steps: the accepted prefix, and the first refusal (if any)."""

    accepted: tuple[Accepted, ...]
    refused_index: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.refused_index is None


def parse_bridge_record(data: object) -> tuple[Op, ...]:
    """A bridge.json object {"ops": [...], "bridge": "..."} -> its ops (deposits/withdrawals only).

    At most MAX_BATCH ops, counted before any is parsed or hashed.
    """
    if not isinstance(data, dict) or set(data) != {"ops", "bridge"} or not isinstance(data["ops"], list):
        raise MalformedInput("bridge record", 'expected {"ops": [...], "bridge": "<decimal>"}')
    if len(data["ops"]) > MAX_BATCH:
        raise MalformedInput("bridge record.ops", f"a batch holds at most {MAX_BATCH} ops, got {len(data['ops'])}")
    ops = tuple(parse_op(obj, i) for i, obj in enumerate(data["ops"]))
    for i, op in enumerate(ops):
        if not op.SPEC.bridge:
            raise MalformedInput(f"bridge record ops[{i}]", f"{op.NAME} is not a deposit or withdraw")
    claimed = parse_decimal(data["bridge"], "bridge record.bridge")
    if claimed != record_digest(ops):
        raise MalformedInput("bridge record.bridge", "does not match the digest of its ops")
    return ops


@dataclass(frozen=True)
class Clock:
    """What the light client compares batch times with: its own time ``now`` and the ``slack`` it allows ahead."""

    now: int
    slack: int = 0


def _statement_problem(state: ClientState, step: Step, feed: Sequence[FeedReport] | None,
                       clock: Clock | None) -> str | None:
    public = step.public
    if len(public) != N_PUBLIC or not all(isinstance(x, int) and 0 <= x < R for x in public):
        return f"expected {N_PUBLIC} public inputs [{', '.join(PUBLIC_INPUTS)}]"
    old_root, _new_root, _commitment, bridge, market, time = public
    if statement_id(public) in state.statements:
        return "replay: this statement (same public inputs) was already applied"
    if old_root != state.root:
        if old_root in state.roots:
            return f"fork: old_root is the root at height {state.roots.index(old_root)}, not the current root"
        return "gap: old_root is not a root this client has reached"
    if time < state.time:
        return f"time goes backwards: batch time {time} is before the last batch's {state.time}"
    if clock is not None and time > clock.now + clock.slack:
        return f"batch time {time} is more than {clock.slack} s ahead of this client's clock ({clock.now})"
    if step.bridge_record is None:
        if bridge != 0:
            return "bridge record missing: the public bridge digest is not 0 (deposits or withdrawals)"
    elif record_digest(step.bridge_record) != bridge:
        return "bridge record does not match the public bridge digest"
    return _market_problem(step.market_record, market, time, feed)


def _market_problem(record: MarketRecord | None, market: int, time: int,
                    feed: Sequence[FeedReport] | None) -> str | None:
    """Why the market record does not back the public market digest and time (None: it does)."""
    if record is None:
        if feed is not None and market != 0:
            return "market record missing: the public market digest is not 0 (reports or listings)"
        return None
    if record.market != market or record.digest() != market:
        return "market record does not match the public market digest"
    if record.time != time:
        return f"market record names time {record.time}, the public time is {time}"
    if feed is not None:
        published = {r.message for r in feed}
        for i, r in enumerate(record.reports):
            if r.message not in published:
                return f"market record report {i} is not in the committee's published feed"
    return None


def _apply(state: ClientState, step: Step, feed: Sequence[FeedReport] | None) -> tuple[ClientState, Accepted]:
    old_root, new_root, time = step.public[0], step.public[1], step.public[5]
    state = replace(
        state, root=new_root, height=state.height + 1, roots=state.roots + (new_root,),
        statements=state.statements | {statement_id(step.public)}, time=time,
    )
    flags = () if feed is None or step.market_record is None else tuple(
        newer_index_reports(step.market_record, feed, time))
    return state, Accepted(state.height, old_root, new_root, step.bridge_record or (), time, step.market_record, flags)


def advance(state: ClientState, vk: VerifyingKey, steps: Sequence[Step], batch: bool = True,
            feed: Sequence[FeedReport] | None = None, clock: Clock | None = None) -> tuple[ClientState, Outcome]:
    """Apply ``steps`` in order; stops at the first refusal. Pure: returns the new state.

    ``feed`` (the committee's published reports, feed.py) makes the market
    checks of step 6; ``clock`` bounds how far ahead a batch time may be.

    With ``batch`` the proofs of the statement-valid prefix are checked in
    one batch verification (k + 3 Miller loops, one final exponentiation);
    when that fails for any reason each is checked alone, so a step is
    accepted only once its own proof, or the batch holding it, verified.
    """
    if vk_digest(vk) != state.vk_digest:
        return state, Outcome((), 0, "verification key differs from the one this client follows")
    # Statement checks first (cheap), on the states the chain would pass through.
    staged: list[tuple[ClientState, Accepted]] = []
    current = state
    refused: tuple[int, str] | None = None
    for i, step in enumerate(steps):
        problem = _statement_problem(current, step, feed, clock)
        if problem:
            refused = (i, problem)
            break
        current, accepted = _apply(current, step, feed)
        staged.append((current, accepted))
    checked = steps[: len(staged)]
    first_bad = _first_bad_proof(vk, checked, batch)
    if first_bad is not None:
        index, reason = first_bad
        refused = (index, f"invalid proof: {reason}")
        staged = staged[:index]
    final = staged[-1][0] if staged else state
    outcome = Outcome(tuple(a for _, a in staged), *(refused or (None, "")))
    return final, outcome


def _first_bad_proof(vk: VerifyingKey, steps: Sequence[Step], batch: bool) -> tuple[int, str] | None:
    """The index and reason of the first step whose proof does not verify, or None when all do.

    Fail-closed: only a batch verdict of ``ok`` is taken as it is. Any
    other batch verdict (a named proof, or one it cannot attribute: an
    unsafe key, an internal error, an equation that fails while each proof
    passes alone) is followed by checking the proofs one at a time, so
    every step kept before the refused one has had its own proof checked.
    Costs one more verification per step on that (rare) path.
    """
    if not steps:
        return None
    if batch and len(steps) > 1 and verify_batch(vk, [(list(s.public), s.proof) for s in steps]).ok:
        return None
    for i, step in enumerate(steps):
        verdict = verify(vk, list(step.public), step.proof)
        if not verdict.ok:
            return i, verdict.reason
    return None


class LightClient:
    """A ClientState kept in one JSON file, rewritten atomically after each accepted run."""

    def __init__(self, path: str | Path, state: ClientState):
        self.path = Path(path)
        self.state = state

    @classmethod
    def create(cls, path: str | Path, vk: VerifyingKey, root: int) -> LightClient:
        client = cls(path, ClientState.start(vk, root))
        write_atomic(client.path, client.state.to_json(), overwrite=False)
        return client

    @classmethod
    def load(cls, path: str | Path) -> LightClient:
        return cls(path, ClientState.from_json(Path(path).read_text()))

    @classmethod
    @contextmanager
    def open(cls, path: str | Path, vk: VerifyingKey, root: int) -> Iterator[LightClient]:
        """The client kept in ``path`` (created from ``vk`` and ``root`` when absent), under an exclusive lock.

        The lock (flock on ``path`` + ".lock", a file left in place) is held
        from reading the state to writing it back, so a second follower
        waits, then starts from the first one's result. Costs one open and
        one flock; POSIX only.
        """
        with _locked(Path(path)):
            yield cls.load(path) if Path(path).exists() else cls.create(path, vk, root)

    def follow(self, vk: VerifyingKey, steps: Sequence[Step], batch: bool = True,
               feed: Sequence[FeedReport] | None = None, clock: Clock | None = None) -> Outcome:
        new_state, outcome = advance(self.state, vk, steps, batch, feed, clock)
        if new_state != self.state:
            write_atomic(self.path, new_state.to_json())
            self.state = new_state
        return outcome


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive flock on ``path.lock`` for the duration of the block (released on close, even on a crash)."""
    import fcntl  # POSIX; imported here so the pure verification path stays importable everywhere

    with open(path.with_name(path.name + ".lock"), "a") as handle:  # "a": create if missing, never truncate
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
