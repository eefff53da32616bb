"""``zkob follow VK ROOT OUT1 OUT2 ...``: a light client over a run of proofs."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..console import EXIT_INVALID, err, fail, out


def _read_step(directory: Path, index: int):
    from ...state.lightclient import MAX_BRIDGE_RECORD_BYTES, Step, parse_bridge_record
    from ...zk.errors import MalformedInput
    from ...zk.formats.snarkjs_json import load_json, parse_proof, parse_public

    def read(name: str, limit: int | None = None) -> bytes:
        try:
            with open(directory / name, "rb") as handle:
                data = handle.read(-1 if limit is None else limit + 1)
        except OSError as exc:
            raise FileNotFoundError(f"{directory / name}: {exc.strerror}") from None
        if limit is not None and len(data) > limit:
            raise MalformedInput(f"{directory / name}", f"larger than {limit} bytes; no batch has such a record")
        return data

    public = parse_public(load_json(read("public.json"), f"{directory}/public.json"))
    proof = parse_proof(load_json(read("proof.json"), f"{directory}/proof.json"))
    record = None
    if (directory / "bridge.json").exists():  # bounded before it is parsed or hashed
        raw = read("bridge.json", MAX_BRIDGE_RECORD_BYTES)
        record = parse_bridge_record(load_json(raw, f"{directory}/bridge.json"))
    return Step(tuple(public), proof, record)


@click.command("follow")
@click.argument("vk_file", metavar="VERIFICATION_KEY", type=click.Path(path_type=Path))
@click.argument("root", metavar="ROOT")
@click.argument("outs", metavar="OUT...", nargs=-1, type=click.Path(file_okay=False, path_type=Path))
@click.option("--state", "state_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Light-client state file: created on first use, resumed afterwards.")
@click.option("--one-by-one", is_flag=True, help="Verify each proof alone instead of one batch check.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object: root, height, bridge ops.")
def command(vk_file: Path, root: str, outs: tuple[Path, ...], state_file: Path | None,
            one_by_one: bool, as_json: bool) -> None:
    """Verify the proofs in OUT... as a chain starting at the trusted ROOT; print the root reached.

    Each OUT is a directory written by `zkob prove` (public.json, proof.json
    and bridge.json, whose deposits and withdrawals are checked against the
    public bridge digest; it may be absent only when that digest is 0).
    Exit 1 when a step is refused (replay, fork, gap, invalid proof, bridge
    record missing or mismatched); the steps before it stay applied.
    """
    from ...state.lightclient import ClientState, LightClient, advance
    from ...zk.errors import ZkError
    from ...zk.field import parse_decimal
    from ..keyfiles import load_vk

    try:  # every input is read before the client file is created or changed
        vk = load_vk(vk_file)
        trusted = parse_decimal(root, "ROOT")
        steps = [_read_step(d, i) for i, d in enumerate(outs)]
    except (ZkError, OSError) as exc:
        fail(exc)
    if state_file is None:
        state, outcome = advance(ClientState.start(vk, trusted), vk, steps, batch=not one_by_one)
    else:
        try:
            with LightClient.open(state_file, vk, trusted) as client:  # locked until the state is written
                if client.state.genesis != trusted:
                    fail(f"{state_file} follows a chain from another trusted root")
                outcome = client.follow(vk, steps, batch=not one_by_one)
                state = client.state
        except (ZkError, OSError) as exc:
            fail(exc)
    moves = [
        {"op": op.NAME, "account": str(op.account), "asset": str(op.asset), "amount": str(op.amount)}
        for a in outcome.accepted for op in (a.bridge_ops or ())
    ]
    if as_json:
        out.print(json.dumps({
            "root": str(state.root), "height": state.height, "accepted": len(outcome.accepted),
            "bridge_ops": moves, "refused": None if outcome.ok else
            {"index": outcome.refused_index, "reason": outcome.reason},
        }), markup=False)
    else:
        for move in moves:
            err.print(f"bridge: {move['op']} account {move['account']} asset {move['asset']} amount {move['amount']}",
                      markup=False)
        out.print(str(state.root), markup=False)
    if not outcome.ok:
        where = outs[outcome.refused_index] if 0 <= outcome.refused_index < len(outs) else "?"
        err.print(f"refused {where}: {outcome.reason}", markup=False)
        raise SystemExit(EXIT_INVALID)
