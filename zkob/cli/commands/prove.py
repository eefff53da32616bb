"""``zkob prove DIR BATCH.json --keys KEYS|--zkey FILE -o OUT``: apply a batch and prove it."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..console import Phases, out
from ..statedir import state_dir


@click.command("prove")
@click.argument("directory", type=click.Path(path_type=Path))
@click.argument("batch_file", metavar="BATCH.json", type=click.Path(path_type=Path))
@click.option("--keys", "keys_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Directory made by `zkob setup` for this state's parameters.")
@click.option("--zkey", "zkey", type=click.Path(dir_okay=False, path_type=Path),
              help="A snarkjs Groth16 .zkey for this state's circuit (instead of --keys), e.g. a ceremony's final key.")
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Directory for proof.json, public.json, bridge.json and batch.json.")
@click.option("--backend", type=click.Choice(["auto", "compiled", "pure"]), default="auto", show_default=True,
              help="Prover arithmetic: numba kernels or the pure-Python reference.")
@click.option("--quiet", is_flag=True, help="No progress output.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (public inputs, timings).")
def command(directory: Path, batch_file: Path, keys_dir: Path | None, zkey: Path | None, out_dir: Path,
            backend: str, quiet: bool, as_json: bool) -> None:
    """Prove that BATCH.json moves DIRECTORY's state from its root to a new one.

    The state advances only when the proof was made, checked and written;
    a rejected batch or a failed proof leaves it untouched (exit 2).
    """
    from ...pipeline.prove import prove_batch
    from ...state.batchfile import load_batch
    from ...state.protocol import PUBLIC_INPUTS
    from ...zk.errors import ZkobError

    if (keys_dir is None) == (zkey is None):
        raise ZkobError("give the proving key as exactly one of --keys KEYS and --zkey FILE")
    with state_dir(directory) as state:
        batch = load_batch(batch_file, state.params.batch_size)
        with Phases(quiet or as_json) as report:
            result = prove_batch(state, batch, keys_dir, out_dir, backend, report, zkey=zkey)
    named = dict(zip(PUBLIC_INPUTS, result.public))
    if as_json:
        record: dict[str, object] = {name: str(value) for name, value in named.items()}
        record["timings"] = {name: round(t, 3) for name, t in report.timings}
        out.print(json.dumps(record), markup=False)
        return
    for name, value in named.items():
        out.print(f"{name:<10} {value}", markup=False)
    out.print(f"wrote {out_dir}/{{proof,public,bridge,batch}}.json in {report.total:.1f} s", markup=False)
