"""``zkob export r1cs|wtns|solidity|calldata``: files for snarkjs and for an EVM base layer.

r1cs and wtns write the batch circuit and a witness in iden3 formats;
solidity writes a verifier contract (and the rollup's sources); calldata
prints submitBatch's arguments for a prover's output directory.
"""

from __future__ import annotations

from pathlib import Path

import click

from ..console import out
from ..statedir import state_dir


@click.group("export")
def command() -> None:
    """Export the circuit (.r1cs), a witness (.wtns), a Solidity verifier or submitBatch calldata."""


@command.command("r1cs")
@click.argument("directory", type=click.Path(path_type=Path))
@click.argument("out_file", metavar="OUT.r1cs", type=click.Path(dir_okay=False, path_type=Path))
def export_r1cs(directory: Path, out_file: Path) -> None:
    """Write the R1CS of DIRECTORY's parameters (`snarkjs r1cs info OUT.r1cs` reads it)."""
    from ...circuits.batch import build_circuit
    from ...state.store import read_params
    from ...zk.files import write_atomic
    from ...zk.formats.iden3 import r1cs_to_bytes

    r1cs, _ = build_circuit(read_params(directory))
    data = r1cs_to_bytes(r1cs)
    line = (f"{out_file}: {r1cs.n_constraints} constraints, {r1cs.n_wires} wires, "
            f"{r1cs.n_public} public inputs, digest {r1cs.digest()}")
    write_atomic(out_file, data)  # the last step that can fail
    out.print(line, markup=False)


@command.command("wtns")
@click.argument("directory", type=click.Path(path_type=Path))
@click.argument("batch_file", metavar="BATCH.json", type=click.Path(path_type=Path))
@click.argument("out_file", metavar="OUT.wtns", type=click.Path(dir_okay=False, path_type=Path))
def export_wtns(directory: Path, batch_file: Path, out_file: Path) -> None:
    """Write the witness of applying BATCH.json to DIRECTORY's state (the state is not changed).

    A batch the rules reject exits 2 naming the op and rule. A batch
    without a salt gets a random one, printed with the public inputs (the
    commitment depends on it).
    """
    from ...circuits.batch import witness_for
    from ...state.batchfile import load_batch
    from ...state.transition import trace_batch
    from ...zk.files import PRIVATE, write_atomic
    from ...zk.formats.iden3 import wtns_to_bytes

    with state_dir(directory) as state:
        batch = load_batch(batch_file, state.params)
        trace = trace_batch(state, batch)
        witness = witness_for(state.params, trace)
    data = wtns_to_bytes(witness)
    lines = [f"{out_file}: {len(witness)} wires; public inputs " + " ".join(str(v) for v in trace.public_inputs)]
    if not batch.salt_given:
        lines.append(f"salt {trace.salt} (drawn at random)")
    write_atomic(out_file, data, mode=PRIVATE)  # the witness holds every private value; last step that can fail
    for line in lines:
        out.print(line, markup=False)


@command.command("solidity")
@click.argument("keys_or_vk", metavar="KEYS_OR_VK", type=click.Path(path_type=Path))
@click.option("-o", "--out", "out_file", default="verifier.sol", show_default=True,
              type=click.Path(dir_okay=False, path_type=Path), help="The verifier contract to write.")
@click.option("--rollup", "rollup_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Also write ZkobRollup.sol, ZkobTestToken.sol, PoseidonT3/T9.sol and the Poseidon "
                   "parts' creation code (poseidonT_I.hex) into this directory.")
def export_solidity(keys_or_vk: Path, out_file: Path, rollup_dir: Path | None) -> None:
    """Write a Groth16 verifier contract (MIT) for a verification key (a KEYS directory or the file).

    Same ABI as snarkjs's: verifyProof(uint256[2], uint256[2][2], uint256[2], uint256[n]).
    """
    from ...anchor.layout import layout_of
    from ...anchor.verifier_sol import verifier_source
    from ...pipeline.keyfiles import VK_FILE, load_vk
    from ...zk.errors import ZkobError
    from ...zk.files import write_atomic

    path = keys_or_vk / VK_FILE if keys_or_vk.is_dir() else keys_or_vk
    vk = load_vk(path)
    files = {out_file: verifier_source(vk)}
    if rollup_dir is not None:
        if vk.n_public != layout_of().n_public:
            raise ZkobError(f"{path}: the key has {vk.n_public} public inputs; ZkobRollup takes {layout_of().n_public}")
        files.update({rollup_dir / name: text for name, text in _rollup_files().items()})
        rollup_dir.mkdir(parents=True, exist_ok=True)
    for target, text in files.items():
        write_atomic(target, text)
    out.print(f"{out_file}: Groth16Verifier for {vk.n_public} public inputs", markup=False)
    if rollup_dir is not None:
        out.print(f"{rollup_dir}: {', '.join(sorted(p.name for p in files if p != out_file))}", markup=False)


def _rollup_files() -> dict[str, str]:
    from ...anchor.evmasm import deploy_code
    from ...anchor.poseidon_evm import poseidon_parts
    from ...anchor.rollup_sol import WIDTHS, poseidon_facade_source, rollup_source, token_source

    files = {"ZkobRollup.sol": rollup_source(), "ZkobTestToken.sol": token_source()}
    for t in WIDTHS:
        files[f"PoseidonT{t}.sol"] = poseidon_facade_source(t)
        for i, code in enumerate(poseidon_parts(t)):
            files[f"poseidonT{t}_{i}.hex"] = "0x" + deploy_code(code).hex() + "\n"
    return files


@command.command("calldata")
@click.argument("out_dir", metavar="OUT_DIR", type=click.Path(file_okay=False, path_type=Path))
@click.option("--refuse", "refused", multiple=True, type=click.IntRange(0), metavar="INDEX",
              help="A queued deposit (its queue index) the venue refuses in this batch; repeatable.")
@click.option("--queue-head", type=click.IntRange(0), help="Queue index of the batch's first consumed "
              "deposit (the rollup's queueHead); needed with --refuse.")
@click.option("--data", "as_data", is_flag=True, help="Print the whole transaction data (selector and "
              "ABI encoding) as one 0x hex string instead of the arguments.")
@click.option("--verifier", "for_verifier", is_flag=True, help="Print verifyProof's arguments instead "
              "(proof and public inputs, as `snarkjs zkey export soliditycalldata` does).")
def export_calldata(out_dir: Path, refused: tuple[int, ...], queue_head: int | None, as_data: bool,
                    for_verifier: bool) -> None:
    """Print the arguments of ZkobRollup.submitBatch for a prover's OUT_DIR (proof, public inputs, record).

    Like `snarkjs zkey export soliditycalldata`, with the bridge record
    (bridge.json encoded for the contract) as the third argument.
    """
    from ...anchor.abi import call_data
    from ...anchor.calldata import (SUBMIT_SIGNATURE, VERIFY_SIGNATURE, load_out_dir, submit_text, verify_args,
                                    verify_text)
    proven = load_out_dir(out_dir)
    args = verify_args(proven.proof, proven.public) if for_verifier else proven.submit_args(refused, queue_head)
    if as_data:
        signature = VERIFY_SIGNATURE if for_verifier else SUBMIT_SIGNATURE
        out.print("0x" + call_data(signature.format(n=len(proven.public)), args).hex(), markup=False)
    else:
        out.print(verify_text(proven.proof, proven.public) if for_verifier else submit_text(args), markup=False)
