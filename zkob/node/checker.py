"""The open batch's post-state, so each new op is checked alone: O(1) per acknowledgement.

An op is accepted when the open batch with it appended passes
``trace_batch`` on the pending state, with the batch's time T and the
reports it took when it opened (sequencer.py). ``trace_batch`` does, in
this order: pack the ops into the K slots (``slot_layout``), run the
time and the reports (``run_market``), run each slot's op under its rule
function, in slot order, on one overlay (padding slots hold noops, which
read and write nothing), then write the blind (no rule). So the verdict
for ``ops + [op]`` is the verdict for ``ops`` (known: they passed) and
then ``op``'s own: its slot, then the market's verdict (the same for
every op of the batch), then its rule function run on the overlay the
earlier ops left. ``OpenState`` keeps that overlay and that slot between
requests and runs only the new ops, through the state layer's own
functions (``place_ops``'s packing rule, ``run_market``, the rules' APPLY
table, ``Context`` with the op's batch index), so a rejection carries the
same rule, op index and op type as the full trace's.

A request's ops (e.g. K deposits) run on a child overlay that is merged
only when all of them pass: a rejected request leaves the post-state as
it was, as the full trace of a refused batch leaves nothing.

``roots`` gives the post-state's tree roots and market hash: the cut
(sequencer._cut) compares them with the cut batch's fresh trace, so a
divergence between this check and the trace stops the node instead of
publishing a batch that was checked differently.

Cost per op: its rule function (depth Poseidon hashes per tree touched,
one EdDSA verification for a signed op, ~6 ms idle) and a dict merge of
its writes; nothing proportional to the ops already in the batch.
Opening costs the market section (one EdDSA check per report signature).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..state.batchfile import Batch
from ..state.errors import Rejected
from ..state.kv import Overlay, Source
from ..state.ops import Op
from ..state.rules import Context
from ..state.rules_derivatives import APPLY
from ..state.state import State
from ..state.transition import run_market
from ..zk.errors import MalformedInput


class OpenState:
    """The post-state of an open batch over ``view`` (the pending state), at time ``time`` with ``reports``.

    Opening runs the market section once; a market rejection is kept and
    raised for every op, after its slot check, as ``trace_batch`` would.
    """

    def __init__(self, view: State, batch: Batch):
        assert not batch.ops, "an open batch starts empty; append its ops"
        source: Source = view.committed
        source.refresh()
        self.params = view.params
        self.overlay = Overlay(source)
        self.view = State(view.params, self.overlay)
        self.ops = 0          # ops appended so far (their batch indices are 0..ops-1)
        self.next_slot = 0    # the first slot after the last op's
        self.market_error: Rejected | None = None
        try:
            run_market(self.view, batch)
        except Rejected as exc:
            self.market_error = exc

    def slots_for(self, ops: Sequence[Op]) -> list[int]:
        """The slots ``ops`` get after the ones already appended; Rejected("slot_layout") as place_ops says.

        Same packing as batchfile.place_ops: op j goes to the earliest slot
        after op j-1's whose kind accepts it. MalformedInput past K ops.
        """
        kinds = self.params.slot_kinds
        if self.ops + len(ops) > len(kinds):
            raise MalformedInput("ops", f"batch has {self.ops + len(ops)} ops, more than batch_size {len(kinds)}")
        slots, slot = [], self.next_slot
        for j, op in enumerate(ops):
            while slot < len(kinds) and not op.SPEC.accepted_by(kinds[slot]):
                slot += 1
            if slot == len(kinds):
                full = sum(1 for k in kinds if k == "full")
                raise Rejected("slot_layout", self.ops + j, op.NAME,
                               f"no {'full ' if op.SPEC.full_only else ''}slot is left after the previous op's "
                               f"(the {len(kinds)} slots have {full} full ones: {' '.join(kinds)})")
            slots.append(slot)
            slot += 1
        return slots

    def append(self, ops: Sequence[Op]) -> None:
        """Run ``ops`` after the batch's ops; on any error the post-state is unchanged (all or none).

        Raises what ``trace_batch`` of the whole batch would: Rejected
        naming the op's index in the batch, MarketRejected, MalformedInput.
        """
        slots = self.slots_for(ops)
        if self.market_error is not None:
            raise self.market_error
        child = Overlay(self.overlay)  # type: ignore[arg-type]  # reads only: get() falls through
        child_view = State(self.params, child)
        for j, op in enumerate(ops):
            APPLY[type(op)](Context(child_view, self.ops + j, op), op)
        for table, changes in child.writes.items():
            self.overlay.writes[table].update(changes)
        self.ops += len(ops)
        self.next_slot = slots[-1] + 1 if slots else self.next_slot

    def roots(self) -> tuple[int, int, int, int]:
        """(accounts, orders, instruments root, market hash) after the appended ops."""
        v = self.view
        return (v.accounts_root, v.orders_root, v.instruments_root, v.market_hash)
