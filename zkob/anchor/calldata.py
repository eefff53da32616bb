"""Calldata for the verifier's verifyProof and the rollup's submitBatch.

``verify_args`` gives snarkjs's ``zkey export soliditycalldata`` arguments
(pi_b's Fq2 pairs as (c1, c0)); ``submit_args`` the three arguments of
ZkobRollup.submitBatch: the proof as eight words in the same order, the
public inputs, and the bridge record (record.py). ``load_out_dir`` reads a
prover's OUT/ (proof.json, public.json, bridge.json) with the strict
parsers, so a non-canonical number, a point off its curve or a record
whose digest differs from the public bridge input is refused before any
calldata is written.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..state.digest import record_digest
from ..state.lightclient import parse_bridge_record
from ..state.ops import Op
from ..zk.errors import MalformedInput
from ..zk.formats.snarkjs_json import parse_proof, parse_public
from ..zk.groth16.data import Proof
from ..zk.strict_json import load_json
from .abi import call_data
from .layout import Layout, layout_of
from .record import encode_record

VERIFY_SIGNATURE = "verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[{n}])"
SUBMIT_SIGNATURE = "submitBatch(uint256[8],uint256[{n}],uint256[])"


def proof_words(proof: Proof) -> list[int]:
    """[A.x, A.y, B.x.c1, B.x.c0, B.y.c1, B.y.c0, C.x, C.y]: the precompile's order."""
    if proof.a is None or proof.b is None or proof.c is None:
        raise MalformedInput("proof", "identity point")
    (bx0, bx1), (by0, by1) = proof.b
    return [proof.a[0], proof.a[1], bx1, bx0, by1, by0, proof.c[0], proof.c[1]]


def verify_args(proof: Proof, public: Sequence[int]) -> list[Any]:
    w = proof_words(proof)
    return [w[0:2], [w[2:4], w[4:6]], w[6:8], list(public)]


def verify_calldata(proof: Proof, public: Sequence[int]) -> bytes:
    return call_data(VERIFY_SIGNATURE.format(n=len(public)), verify_args(proof, public))


def submit_args(proof: Proof, public: Sequence[int], record: Sequence[int]) -> list[Any]:
    return [proof_words(proof), list(public), list(record)]


def submit_calldata(proof: Proof, public: Sequence[int], record: Sequence[int]) -> bytes:
    return call_data(SUBMIT_SIGNATURE.format(n=len(public)), submit_args(proof, public, record))


def parse_for_verifier(proof_json: object, public_json: object, n_public: int) -> tuple[Proof, list[int]]:
    """Strictly parse snarkjs proof and public JSON for a verifier of ``n_public`` inputs.

    What snarkjs's soliditycalldata would encode leniently (hex or padded
    numbers, x + q, z != 1, the wrong number of inputs) is refused here
    with MalformedInput, before any calldata exists.
    """
    proof = parse_proof(proof_json)
    public = parse_public(public_json)
    if len(public) != n_public:
        raise MalformedInput("public", f"expected {n_public} public inputs, got {len(public)}")
    return proof, public


def _words(values: Sequence[int], sep: str) -> str:
    return "[" + sep.join(f'"0x{v:064x}"' for v in values) + "]"


def verify_text(proof: Proof, public: Sequence[int]) -> str:
    """verifyProof's arguments exactly as ``snarkjs zkey export soliditycalldata`` prints them
    (point coordinates separated by ", ", everything else by ",")."""
    a, b, c, inputs = verify_args(proof, public)
    return ",".join([_words(a, ", "), "[" + ",".join(_words(pair, ", ") for pair in b) + "]",
                     _words(c, ", "), _words(inputs, ",")])


def submit_text(args: Sequence[Sequence[int]]) -> str:
    """submitBatch's arguments (proof words, public inputs, record) in the same style."""
    proof, public, record = args
    return ",".join([_words(proof, ", "), _words(public, ","), _words(record, ",")])


@dataclass(frozen=True)
class ProvenBatch:
    """What submitBatch needs from a prover's output directory."""

    proof: Proof
    public: tuple[int, ...]
    bridge_ops: tuple[Op, ...]

    def record(self, refused: Iterable[int] = (), queue_head: int | None = None) -> list[int]:
        return encode_record(self.bridge_ops, refused, queue_head)

    def submit_args(self, refused: Iterable[int] = (), queue_head: int | None = None) -> list[Any]:
        return submit_args(self.proof, self.public, self.record(refused, queue_head))


def _read(path: Path) -> object:
    try:
        return load_json(path.read_bytes(), str(path))
    except OSError as exc:
        raise MalformedInput(str(path), f"cannot read: {exc.strerror}") from None


def load_out_dir(out_dir: Path, layout: Layout | None = None) -> ProvenBatch:
    """Strictly parse OUT/proof.json, OUT/public.json and OUT/bridge.json."""
    layout = layout or layout_of()
    proof = parse_proof(_read(out_dir / "proof.json"), "proof.json")
    public = parse_public(_read(out_dir / "public.json"), "public.json")
    if len(public) != layout.n_public:
        raise MalformedInput("public.json", f"expected {layout.n_public} public inputs [{', '.join(layout.names)}]")
    ops = parse_bridge_record(_read(out_dir / "bridge.json"))
    if record_digest(ops) != public[layout.index("bridge")]:
        raise MalformedInput("bridge.json", "its digest is not the public bridge input")
    return ProvenBatch(proof, tuple(public), ops)
