"""The files a proven batch leaves in OUT/, written and read (snarkjs's names where it has them).

    OUT/proof.json     snarkjs proof
    OUT/public.json    snarkjs public inputs, in protocol.PUBLIC_INPUTS order
    OUT/bridge.json    the batch's bridge record (public: for the bridge and light clients)
    OUT/market.json    the batch's market record: its reports and list ops (public: for light clients)
    OUT/batch.json     all ops with their signatures and the salt (private: for replicas; mode 0600)

``read_step`` reads what a light client needs (public.json, proof.json,
bridge.json and market.json when present, each bounded) strictly; a
missing or malformed file is a MalformedInput naming it. batch.json holds
every private op and is written owner-only (``PRIVATE``).
"""

from __future__ import annotations

import json
from pathlib import Path

from ..state.batchfile import Batch
from ..state.digest import bridge_record_json
from ..state.feed import MAX_RECORD_BYTES, market_record_json, parse_market_record
from ..state.lightclient import MAX_BRIDGE_RECORD_BYTES, Step, parse_bridge_record
from ..state.trace import BatchTrace
from ..zk.files import PRIVATE, write_atomic
from ..zk.formats.snarkjs_json import dumps, parse_proof, parse_public, proof_to_json, public_to_json
from ..zk.strict_json import load_json
from ..zk.groth16.data import Proof
from ..zk.errors import MalformedInput

PROOF, PUBLIC, BRIDGE, MARKET, BATCH = "proof.json", "public.json", "bridge.json", "market.json", "batch.json"


def write_outputs(out_dir: Path, proof: Proof, trace: BatchTrace, batch: Batch) -> None:
    """Write OUT/{proof,public,bridge,market,batch}.json, each atomically."""
    out_dir.mkdir(parents=True, exist_ok=True)
    contents = {
        PROOF: dumps(proof_to_json(proof)),
        PUBLIC: dumps(public_to_json(list(trace.public_inputs))),
        BRIDGE: json.dumps(bridge_record_json(batch.ops), indent=1) + "\n",
        MARKET: json.dumps(market_record_json(trace), indent=1) + "\n",
        BATCH: json.dumps(batch.to_json(), indent=1) + "\n",
    }
    for name, text in contents.items():
        write_atomic(out_dir / name, text, mode=PRIVATE if name == BATCH else None)


def _read(path: Path, limit: int | None = None) -> bytes:
    """The file's bytes; with ``limit``, refused past that many (read no further than limit + 1)."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(-1 if limit is None else limit + 1)
    except OSError as exc:
        raise MalformedInput(str(path), f"cannot read: {exc.strerror or exc}") from None
    if limit is not None and len(data) > limit:
        raise MalformedInput(str(path), f"larger than {limit} bytes; no batch has such a record")
    return data


def read_public(path: Path) -> list[int]:
    """A public.json, strictly parsed."""
    return parse_public(load_json(_read(path), str(path)))


def read_step(out_dir: Path) -> Step:
    """One proven batch as a light client sees it: public inputs, proof, and the bridge and market records if present."""
    public = read_public(out_dir / PUBLIC)
    proof = parse_proof(load_json(_read(out_dir / PROOF), str(out_dir / PROOF)))
    record = market = None
    if (out_dir / BRIDGE).exists():  # bounded before it is parsed or hashed
        raw = _read(out_dir / BRIDGE, MAX_BRIDGE_RECORD_BYTES)
        record = parse_bridge_record(load_json(raw, str(out_dir / BRIDGE)))
    if (out_dir / MARKET).exists():
        raw = _read(out_dir / MARKET, MAX_RECORD_BYTES)
        market = parse_market_record(load_json(raw, str(out_dir / MARKET)))
    return Step(tuple(public), proof, record, market)
