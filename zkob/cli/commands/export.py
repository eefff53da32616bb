"""``zkob export r1cs|wtns``: the batch circuit and a batch's witness as iden3 files for snarkjs."""

from __future__ import annotations

from pathlib import Path

import click

from ..console import out
from ..statedir import state_dir


@click.group("export")
def command() -> None:
    """Export the circuit (.r1cs) or a witness (.wtns) in circom/snarkjs binary formats."""


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
        batch = load_batch(batch_file, state.params.batch_size)
        trace = trace_batch(state, batch)
        witness = witness_for(state.params, trace)
    data = wtns_to_bytes(witness)
    lines = [f"{out_file}: {len(witness)} wires; public inputs " + " ".join(str(v) for v in trace.public_inputs)]
    if not batch.salt_given:
        lines.append(f"salt {trace.salt} (drawn at random)")
    write_atomic(out_file, data, mode=PRIVATE)  # the witness holds every private value; last step that can fail
    for line in lines:
        out.print(line, markup=False)
