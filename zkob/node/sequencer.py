"""The sequencer: fixes the order of ops once and durably, matches orders, cuts batches.

**What "checked against the state with everything sequenced so far" means.**
Ops are sequenced into the *open batch*. A batch is opened by its first
op and gets, at that moment, its time T (the node's clock in whole
seconds, never below the previous batch's time) and the committee reports
waiting in the log (at most M, in arrival order; reports apply at the
start of a batch, before its ops). An op is accepted when the open batch
with the op appended passes the state machine (the very ``trace_batch``
run that executes the batch) on the state the earlier, cut batches
leave, with that T and those reports. That verdict is computed
incrementally (checker.py): the open batch keeps its post-state, and a
new op runs alone on it, through the same rule functions, in O(1) per
op; the cut compares the batch's fresh trace with that post-state. So every
rule, the signature, the nonce, the margin and expiry checks at time T
and the prices after the reports, is decided exactly as it will be when
the batch runs, and the cut batch always passes: an acknowledged op never
makes its batch fail. (Cutting re-runs the batch anyway, with its salt;
a failure there would be a non-determinism bug in the state machine: the
node stops without acknowledging anything more, names the batch, and
refuses to start until it is fixed.) A report arriving while a batch is
open waits for the next batch, so it never changes the prices an
accepted op was checked with; a batch is opened for waiting reports
(carrying one noop) when no op comes within S seconds.

A batch is cut when it holds N ops, when it has been open S seconds,
or when the next op does not fit it (more than K ops, or, in v2, no slot
of the right kind left); the op then opens the next batch and is checked
there, at that batch's time. An order is matched right after it is
accepted: the book proposes fills at the maker's price, each checked and
sequenced like any op (the fills are operator ops in the same log,
acknowledged with the order).

**Durability.** One pass of the loop handles every request waiting in its
queue, then commits everything they sequenced in one transaction (group
commit), and only then answers them. Cut batches go to the prover in
order; ``Publisher`` (prover.py) writes and commits them in order.

The sequencer runs in one thread that owns the state, the log and the
book; HTTP handlers talk to it through ``submit`` (a Future each).
"""

from __future__ import annotations

import logging
import queue
import time as clock
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..state.batchfile import random_salt
from ..state.errors import Rejected
from ..state.ops import Op, is_signed, signer
from ..state.pending import Pending
from ..state.state import State
from ..state.trace import BatchTrace
from ..zk.errors import InternalError, MalformedInput, ZkobError
from .book import Book
from .checker import OpenState
from .log import LoggedBatch, NodeLog, Step
from .protocol import ORDER_OPS, check, fill_op, fits, make_batch, max_reports, noop, op_from_json, op_json

log = logging.getLogger("zkob.node")
GROUP = 256  # requests handled (and committed) per pass at most


@dataclass
class OpenBatch:
    height: int
    time: int
    reports: tuple[dict, ...]
    report_ids: tuple[int, ...]
    opened: float
    post: OpenState     # the state after the ops so far: each new op is checked on it alone
    ops: list[Op] = field(default_factory=list)
    seqs: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class CutBatch:
    height: int
    batch: Any          # state.batchfile.Batch
    trace: Any          # state.trace.BatchTrace
    time: int
    ops: int


@dataclass(frozen=True)
class Sequenced:
    """The answer to an accepted request: the ops' sequence numbers and the batch they are in."""

    seqs: tuple[int, ...]
    height: int
    fills: tuple[tuple[int, dict], ...] = ()


class Sequencer:
    """The state, the log, the book and the open batch; ``run`` is the owning thread's loop."""

    def __init__(self, state: State, node_log: NodeLog, batch_ops: int, batch_seconds: float,
                 on_cut: Callable[[CutBatch], None], now: Callable[[], float] = clock.time):
        if not 1 <= batch_ops <= state.params.batch_size:
            raise MalformedInput("--batch-ops", f"must be in 1..{state.params.batch_size} (K), got {batch_ops}")
        self.state, self.log = state, node_log
        self.batch_ops, self.batch_seconds = batch_ops, batch_seconds
        self.on_cut, self.now = on_cut, now
        self.pending = Pending(state)
        self.open: OpenBatch | None = None
        self.next_seq = node_log.last_seq() + 1
        self.last_time = 0
        self.requests: queue.Queue[tuple[str, Any, Future | None]] = queue.Queue()
        self.stopping = False
        self.failure: str | None = None
        self.book = Book()
        self.step = Step()
        self.cut_now: list[CutBatch] = []
        self.reports_since: float | None = None  # when the oldest report still waiting for a batch arrived

    # --- recovery ---------------------------------------------------------------
    def recover(self, already_published: Callable[[int], bool]) -> list[CutBatch]:
        """Rebuild the pending batches, the open batch and the book from the log; the cut batches to prove.

        ``already_published(height)`` applies a batch whose outputs were
        written before a crash (replayed from its files) and says so.
        """
        committed = self.state.height
        batches = self.log.batches(after=committed)
        to_prove: list[CutBatch] = []
        priorities = {}
        for seq, _, entry, _ in self.log.ops_page(0, 1 << 62):
            if entry["op"] in ORDER_OPS:
                priorities[int(entry["order"])] = seq
        for logged in batches:
            self.last_time = max(self.last_time, logged.time)
            ops = [op_from_json(op) for _, op, _ in logged.ops]
            if logged.salt is None:
                try:
                    post = self._open_state(logged.time, logged.reports)
                    post.append(ops)
                except ZkobError as exc:
                    raise InternalError(f"the open batch {logged.height} in the log no longer passes: {exc}") from None
                self.open = OpenBatch(logged.height, logged.time, logged.reports, (), logged.opened, post, ops,
                                      [seq for seq, _, _ in logged.ops])
                continue
            batch = make_batch(ops, logged.salt, logged.time, logged.reports)
            if not self.pending and already_published(logged.height):
                continue
            try:
                trace = self.pending.accept(batch)
            except ZkobError as exc:
                raise InternalError(f"batch {logged.height} in the log does not pass: {exc}") from None
            to_prove.append(CutBatch(logged.height, batch, trace, logged.time, len(ops)))
        self.book = Book.from_state(self.pending.view, priorities)
        if self.open is not None:
            for op, seq in zip(self.open.ops, self.open.seqs):
                self.book.apply(op, seq)
        if self.log.waiting_reports():
            self.reports_since = self.now()
        return to_prove

    # --- the requests -----------------------------------------------------------
    def submit(self, kind: str, payload: Any) -> Future:
        """Queue a request ("op", "deposits", "report", "status"); its Future gets the answer or the error."""
        future: Future = Future()
        self.requests.put((kind, payload, future))
        return future

    def stop(self) -> None:
        self.requests.put(("stop", None, None))

    def run(self) -> None:
        """The loop: take every waiting request, sequence them, cut when due, commit, answer."""
        while not self.stopping:
            self.process(self._take())

    def process(self, waiting: list[tuple[str, Any, Future | None]]) -> None:
        """One pass over ``waiting`` requests: sequence, cut when due, commit once, then answer them.

        A request refused by a rule is answered at once (nothing of it was
        sequenced); accepted ones are answered only after the commit.
        """
        answers: list[tuple[Future, Any]] = []
        for kind, payload, future in waiting:
            if kind == "stop":
                self.stopping = True
                continue
            try:
                answer = self._handle(kind, payload)
            except ZkobError as exc:
                if future is not None:
                    future.set_exception(exc)
                continue
            except Exception as exc:  # a bug: answer it as one, keep serving the others
                log.exception("request %s failed", kind)
                if future is not None:
                    future.set_exception(InternalError(f"{type(exc).__name__}: {exc}"))
                continue
            if future is not None:
                answers.append((future, answer))
        self._cut_if_due()
        self._commit()
        for future, answer in answers:
            future.set_result(answer)
        cuts, self.cut_now = self.cut_now, []
        for cut in cuts:
            self.on_cut(cut)

    def handle(self, kind: str, payload: Any) -> Any:
        """Run one request in the calling thread (tests, tools): its answer, or its error raised."""
        future: Future = Future()
        self.process([(kind, payload, future)])
        return future.result(timeout=0)

    def _take(self) -> list[tuple[str, Any, Future | None]]:
        timeout = 0.5
        if self.open is not None:
            timeout = max(0.0, min(timeout, self.open.opened + self.batch_seconds - self.now()))
        try:
            first = self.requests.get(timeout=timeout)
        except queue.Empty:
            return []
        items = [first]
        while len(items) < GROUP:
            try:
                items.append(self.requests.get_nowait())
            except queue.Empty:
                break
        return items

    def _handle(self, kind: str, payload: Any) -> Any:
        if kind == "op":
            return self._sequence_order(payload) if payload.NAME in ORDER_OPS else self._sequence([payload], "user")
        if kind == "deposits":
            return self._sequence(list(payload), "deposit")
        if kind == "report":
            return self._take_report(payload)
        if kind == "call":  # a function run in this thread (status snapshots, tests)
            return payload(self)
        raise InternalError(f"unknown request {kind!r}")

    def _sequence_order(self, order: Op) -> Sequenced:
        """An order and then its fills, proposed by the book and checked one by one."""
        placed = self._sequence([order], "user")
        slot: int = getattr(order, "order")  # every order op has its slot in "order"
        fills = []
        while True:
            proposal = self.book.next_fill(slot)
            if proposal is None:
                break
            maker, qty, market = proposal
            fill = fill_op(slot, maker, qty, market)
            try:
                done = self._sequence([fill], "match")
            except Rejected as exc:  # e.g. a derivatives fill failing margin: the order rests instead
                log.info("fill of order %s against %s refused (%s); the order rests", slot, maker, exc.rule)
                break
            fills.append((done.seqs[0], op_json(fill)))
        return Sequenced(placed.seqs, placed.height, tuple(fills))

    def _sequence(self, ops: list[Op], origin: str) -> Sequenced:
        """Append ``ops`` (one request: all or none, in one batch) to the open batch, or refuse them."""
        if self.failure is not None:
            raise InternalError(self.failure)
        if not fits(self.state.params, ops):
            raise MalformedInput("ops", f"{len(ops)} ops do not fit one batch of K = {self.state.params.batch_size}")
        batch = self.open
        if batch is not None and not fits(self.state.params, batch.ops + ops):
            self._cut()
            batch = None
        if batch is None:
            batch = self._new_batch()
        try:
            batch.post.append(ops)  # what trace_batch of batch.ops + ops decides, running only ops
        except Rejected as exc:
            if exc.op_index is None or exc.op_index < len(batch.ops):
                raise InternalError(f"batch {batch.height}'s accepted ops no longer pass: {exc}") from None
            raise Rejected(exc.rule, exc.op_index - len(batch.ops), exc.op_type, exc.detail) from None
        if self.open is None:
            self.open = batch
            self.step.opened = LoggedBatch(batch.height, batch.time, batch.reports, None, batch.opened, ())
            self.step.taken_reports = list(batch.report_ids)
            if batch.report_ids:
                self.reports_since = None
        seqs = []
        for op in ops:
            seq, self.next_seq = self.next_seq, self.next_seq + 1
            batch.ops.append(op)
            batch.seqs.append(seq)
            self.book.apply(op, seq)
            self.step.ops.append((seq, batch.height, op_json(op), origin))
            seqs.append(seq)
        height = batch.height
        if len(batch.ops) >= self.batch_ops:
            self._cut()
        return Sequenced(tuple(seqs), height)

    def _new_batch(self) -> OpenBatch:
        """The batch the next op opens (not yet open: it opens with its first accepted op)."""
        now = self.now()
        self.last_time = max(self.last_time, int(now))
        waiting = self.log.waiting_reports()[:max_reports(self.state.params)]
        reports = tuple(r for _, r in waiting)
        return OpenBatch(self.pending.view.height + 1, self.last_time, reports, tuple(i for i, _ in waiting), now,
                         self._open_state(self.last_time, reports))

    def _open_state(self, time: int, reports: tuple[dict, ...]) -> OpenState:
        """An empty batch's post-state at ``time`` with ``reports`` on the pending state (checker.py)."""
        return OpenState(self.pending.view, make_batch((), 0, time, reports))

    def _take_report(self, report: dict) -> dict:
        """Log a committee report for the next batch, after checking it would pass there."""
        if max_reports(self.state.params) == 0:
            raise MalformedInput("report", "this venue's protocol version has no oracle reports")
        if self.open is not None:
            self._cut()  # the report applies after every op sequenced so far
        waiting = [r for _, r in self.log.waiting_reports()]
        if len(waiting) >= max_reports(self.state.params):
            raise MalformedInput("report", "the next batch's report slots are full; retry after it is cut")
        check(self.pending.view, [noop()], max(self.last_time, int(self.now())), waiting + [report])
        self._commit()  # the cut above, before the report is logged
        report_id = self.log.add_report(report)
        if self.reports_since is None:
            self.reports_since = self.now()
        return {"report": report_id}

    def _cut_if_due(self) -> None:
        batch = self.open
        if batch is not None and self.now() >= batch.opened + self.batch_seconds:
            self._cut()
        elif batch is None and self.reports_since is not None and self.now() >= self.reports_since + self.batch_seconds:
            try:
                self._sequence([noop()], "report")
            except ZkobError as exc:
                log.warning("could not open a batch for the waiting reports: %s", exc)

    def _cut(self) -> None:
        """Close the open batch: draw its salt, run it on the pending state (it must pass), queue its proof."""
        batch = self.open
        if batch is None:
            return
        salt = random_salt()
        made = make_batch(batch.ops, salt, batch.time, batch.reports)
        checked = batch.post.roots()

        def same_roots(trace: BatchTrace) -> None:  # before the batch is queued: a mismatch queues nothing
            last = trace.ops[-1]
            traced = (last.accounts_root_after, last.orders_root_after, last.instruments_root_after,
                      trace.market_trace.market_hash_after)
            if traced != checked:
                raise InternalError(f"its trace's roots {traced} differ from the post-state its ops were "
                                    f"checked on {checked}")

        try:
            trace = self.pending.accept(made, same_roots)
        except ZkobError as exc:
            self.failure = (f"batch {batch.height} failed when cut although each of its ops passed when "
                            f"sequenced ({exc}); the node stops sequencing")
            log.error(self.failure)
            raise InternalError(self.failure) from None
        self.step.cuts.append((batch.height, salt))
        self.cut_now.append(CutBatch(batch.height, made, trace, batch.time, len(batch.ops)))
        log.info("cut batch %d: %d ops, time %d", batch.height, len(batch.ops), batch.time)
        self.open = None

    def _commit(self) -> None:
        if not self.step.empty():
            self.log.commit(self.step)
        self.step = Step()

    # --- what the HTTP side reads -------------------------------------------------
    def snapshot(self) -> dict:
        """Sequencing figures (run in this thread through a "call" request)."""
        batch = self.open
        return {
            "sequenced_seq": self.next_seq - 1,
            "open_batch": None if batch is None else {"height": batch.height, "time": batch.time,
                                                     "ops": len(batch.ops)},
            "pending_batches": len(self.pending),
            "pending_ops": (0 if batch is None else len(batch.ops)),
            "failure": self.failure,
        }

    def nonce(self, account: int) -> int | None:
        """The account's nonce once every sequenced op has run (None: no such account yet)."""
        leaf = self.pending.view.account(account)
        ops = self.open.ops if self.open is not None else []
        if leaf is None and not ops:
            return None
        base = 0 if leaf is None else leaf.nonce
        return base + sum(1 for op in ops if is_signed(op) and signer(op) == account)


def publish_dir(directory: Path) -> Path:
    """DIR/batches: where proven batches are published (NNNNNN/ per height)."""
    return directory / "batches"
