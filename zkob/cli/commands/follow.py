"""``zkob follow VK ROOT OUT1 OUT2 ...`` or ``zkob follow VK ROOT --url URL``: a light client over a run of proofs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from ..console import err, out


@click.command("follow")
@click.argument("vk_file", metavar="VERIFICATION_KEY", type=click.Path(path_type=Path))
@click.argument("root", metavar="ROOT")
@click.argument("outs", metavar="OUT...", nargs=-1, type=click.Path(file_okay=False, path_type=Path))
@click.option("--state", "state_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Light-client state file: created on first use, resumed afterwards.")
@click.option("--one-by-one", is_flag=True, help="Verify each proof alone instead of one batch check.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object: root, height, bridge ops.")
@click.option("--reports", "--feed", "feed_file", type=click.Path(dir_okay=False, path_type=Path),
              help="The oracle committee's published reports ({\"reports\": [...]}): every report a batch used "
                   "must be in it, and a batch that used an index report when a newer one was published is flagged.")
@click.option("--max-ahead", type=click.IntRange(min=0), default=None,
              help="Refuse a batch whose time is more than this many seconds ahead of this machine's clock.")
@click.option("--url", help="Follow a node's public feed (zkob serve) instead of OUT directories.")
@click.option("--from", "start", type=click.IntRange(min=1), default=1, show_default=True,
              help="With --url: the node height of the first batch after ROOT.")
@click.option("--keep-running", is_flag=True, help="With --url: wait for new batches instead of stopping.")
def command(vk_file: Path, root: str, outs: tuple[Path, ...], state_file: Path | None,
            one_by_one: bool, as_json: bool, feed_file: Path | None, max_ahead: int | None,
            url: str | None, start: int, keep_running: bool) -> None:
    """Verify the proofs in OUT... as a chain starting at the trusted ROOT; print the root reached.

    Each OUT is a directory written by `zkob prove` (public.json, proof.json
    and bridge.json, whose deposits and withdrawals are checked against the
    public bridge digest; it may be absent only when that digest is 0).
    Each OUT's market.json (its reports and listings) must hash to the
    public market digest; with --reports (older name: --feed), every
    report it used must be one the committee published.
    Exit 1 when a step is refused (replay, fork, gap, time going backwards or
    too far ahead, invalid proof, bridge or market record missing or
    mismatched); the steps before it stay applied.

    With --url, the steps come from a node's feed (GET /v1/feed and
    /v1/batches/H/*.json), from height --from plus the steps the --state
    file has already applied, until the feed has nothing new (or, with
    --keep-running, until stopped); --reports and --max-ahead apply to
    them too.
    """
    import time as clock_time

    if url is not None and outs:
        raise click.UsageError("give OUT directories or --url, not both")
    from ...pipeline.keyfiles import load_vk
    from ...pipeline.outputs import read_step
    from ...state.feed import parse_feed
    from ...state.lightclient import ClientState, Clock, LightClient, advance
    from ...state.ops import to_json
    from ...zk.errors import Refused, ZkobError
    from ...zk.field import parse_decimal
    from ...zk.strict_json import load_json

    vk = load_vk(vk_file)  # every input is read before the client file is created or changed
    trusted = parse_decimal(root, "ROOT")
    steps = [read_step(d) for d in outs]
    feed = None if feed_file is None else parse_feed(load_json(feed_file.read_bytes(), str(feed_file)))
    clock = None if max_ahead is None else Clock(int(clock_time.time()), max_ahead)
    if url is not None:
        _follow_url(vk, trusted, url, start, state_file, one_by_one, as_json, keep_running, feed, max_ahead)
        return
    if state_file is None:
        state, outcome = advance(ClientState.start(vk, trusted), vk, steps, batch=not one_by_one, feed=feed,
                                 clock=clock)
    else:
        with LightClient.open(state_file, vk, trusted) as client:  # locked until the state is written
            if client.state.genesis != trusted:
                raise ZkobError(f"{state_file} follows a chain from another trusted root")
            outcome = client.follow(vk, steps, batch=not one_by_one, feed=feed, clock=clock)
            state = client.state
    moves = [to_json(op) for a in outcome.accepted for op in a.bridge_ops]
    if as_json:
        out.print(json.dumps({
            "root": str(state.root), "height": state.height, "accepted": len(outcome.accepted),
            "bridge_ops": moves, "refused": None if outcome.ok else
            {"index": outcome.refused_index, "reason": outcome.reason},
            "flags": [flag for a in outcome.accepted for flag in a.flags],
        }), markup=False)
    else:
        for accepted in outcome.accepted:
            for flag in accepted.flags:
                err.print(f"flag at height {accepted.height}: {flag}", markup=False)
        for move in moves:
            err.print(f"bridge: {move['op']} account {move['account']} asset {move['asset']} amount {move['amount']}",
                      markup=False)
        out.print(str(state.root), markup=False)
    if outcome.refused_index is not None:
        where = outs[outcome.refused_index] if 0 <= outcome.refused_index < len(outs) else "?"
        raise Refused(f"refused {where}: {outcome.reason}")


def _follow_url(vk: Any, trusted: int, url: str, start: int, state_file: Path | None, one_by_one: bool,
                as_json: bool, keep_running: bool, feed: Any, max_ahead: int | None) -> None:
    """Follow a node's feed; the clock is read again for each round, since --keep-running may run for hours."""
    import time as clock_time

    from ...node.client import NodeClient, follow_node
    from ...state.lightclient import ClientState, Clock, LightClient, advance
    from ...zk.errors import ZkobError

    moves: list[dict] = []
    holder: dict = {"state": ClientState.start(vk, trusted)}

    def apply(steps: list) -> tuple[int, int, str | None]:
        clock = None if max_ahead is None else Clock(int(clock_time.time()), max_ahead)
        if state_file is None:
            holder["state"], outcome = advance(holder["state"], vk, steps, batch=not one_by_one, feed=feed,
                                               clock=clock)
        else:
            with LightClient.open(state_file, vk, trusted) as client:
                if client.state.genesis != trusted:
                    raise ZkobError(f"{state_file} follows a chain from another trusted root")
                outcome = client.follow(vk, steps, batch=not one_by_one, feed=feed, clock=clock)
                holder["state"] = client.state
        moves.extend(to_json_op(op) for a in outcome.accepted for op in a.bridge_ops)
        for accepted in outcome.accepted:
            for flag in accepted.flags:
                err.print(f"flag at height {accepted.height}: {flag}", markup=False)
        return holder["state"].height, holder["state"].root, None if outcome.ok else outcome.reason

    def next_height() -> int:
        if state_file is not None and state_file.exists():
            with LightClient.open(state_file, vk, trusted) as client:
                return start + client.state.height
        return start + holder["state"].height

    def shown(height: int, new_root: int) -> None:
        if not as_json:
            err.print(f"batch {height}: root {new_root}", markup=False)

    with NodeClient(url) as node:
        follow_node(node, apply, next_height, keep_running, on_step=shown)
    state = holder["state"]
    if state_file is not None and state_file.exists():
        with LightClient.open(state_file, vk, trusted) as client:
            state = client.state
    if as_json:
        out.print(json.dumps({"root": str(state.root), "height": state.height, "bridge_ops": moves}), markup=False)
    else:
        out.print(str(state.root), markup=False)


def to_json_op(op: object) -> dict:
    from ...state.ops import to_json

    return to_json(op)  # type: ignore[arg-type]
