"""``zkob prove DIR BATCH.json... --keys KEYS|--zkey FILE -o OUT [--cluster local:N|tcp://HOST:PORT]``: apply batches and prove them."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..console import Phases, out, warn
from ..statedir import state_dir


@click.command("prove")
@click.argument("directory", type=click.Path(path_type=Path))
@click.argument("batch_files", metavar="BATCH.json...", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--keys", "keys_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Directory made by `zkob setup` for this state's parameters.")
@click.option("--zkey", "zkey", type=click.Path(dir_okay=False, path_type=Path),
              help="A snarkjs Groth16 .zkey for this state's circuit (instead of --keys), e.g. a ceremony's final key.")
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="With one BATCH and no --cluster: the directory for proof.json, public.json, bridge.json, "
                   "market.json and batch.json. Otherwise OUTROOT: batch i of the command goes to "
                   "OUTROOT/00000i/, and "
                   "rerunning the same command resumes after the last batch written there.")
@click.option("--cluster", "cluster", metavar="local:N|tcp://HOST:PORT",
              help="Prove on Dask: N local worker processes, or the workers of a running scheduler "
                   "(started with `zkob worker`). Batches are traced here in order and written in order.")
@click.option("--backend", type=click.Choice(["auto", "compiled", "pure"]), default="auto", show_default=True,
              help="Prover arithmetic: numba kernels or the pure-Python reference (this process only).")
@click.option("--quiet", is_flag=True, help="No progress output.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (public inputs, timings).")
def command(directory: Path, batch_files: tuple[Path, ...], keys_dir: Path | None, zkey: Path | None, out_dir: Path,
            cluster: str | None, backend: str, quiet: bool, as_json: bool) -> None:
    """Prove that each BATCH.json, in order, moves DIRECTORY's state from its root to a new one.

    The state advances only when a batch's proof was made, checked and
    written; a rejected batch or a failed proof stops the run there (exit
    2 or 1), with the batches before it written and applied and nothing
    after it.
    """
    from ...zk.errors import ZkobError

    if (keys_dir is None) == (zkey is None):
        raise ZkobError("give the proving key as exactly one of --keys KEYS and --zkey FILE")
    if len(batch_files) == 1 and cluster is None:
        _prove_one(directory, batch_files[0], keys_dir, zkey, out_dir, backend, quiet, as_json)
    elif keys_dir is None:
        raise ZkobError("a run of several batches or --cluster needs --keys KEYS (a keys directory may hold "
                        "a .zkey installed by `zkob setup --ptau --zkey`)")
    else:
        _prove_run(directory, batch_files, keys_dir, out_dir, cluster, backend, quiet, as_json)


def _prove_one(directory: Path, batch_file: Path, keys_dir: Path | None, zkey: Path | None, out_dir: Path,
               backend: str, quiet: bool, as_json: bool) -> None:
    from ...pipeline.prove import prove_batch
    from ...state.batchfile import load_batch
    from ...state.protocol import PUBLIC_INPUTS
    from .apply import SALT_WARNING

    with state_dir(directory) as state:
        batch = load_batch(batch_file, state.params)
        if batch.salt_given:
            warn(SALT_WARNING.format(file=batch_file))
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
    out.print(f"wrote {out_dir}/{{proof,public,bridge,market,batch}}.json in {report.total:.1f} s", markup=False)


def _prove_run(directory: Path, batch_files: tuple[Path, ...], keys_dir: Path, outroot: Path,
               cluster: str | None, backend: str, quiet: bool, as_json: bool) -> None:
    from ...pipeline.cluster import LocalProvers, RunBatch, prove_run
    from ...pipeline.keyfiles import VK_FILE, keys_identity, load_vk
    from ...pipeline.prove import proof_checker
    from ...state.batchfile import load_batch
    from ...state.protocol import PUBLIC_INPUTS

    with state_dir(directory) as state:
        batches = [RunBatch(i, str(path), load_batch(path, state.params))
                   for i, path in enumerate(batch_files, start=1)]
        identity = keys_identity(keys_dir, state.params)  # keys for other parameters: refused before any work
        with Phases(quiet or as_json) as report:
            check = proof_checker(load_vk(keys_dir / VK_FILE), backend)
            if cluster is None:
                result = prove_run(state, batches, outroot, LocalProvers(state.params, keys_dir, backend, report),
                                   check, report)
            else:
                from ...pipeline.cluster_client import dask_provers

                with dask_provers(cluster, keys_dir, identity, report) as provers:
                    result = prove_run(state, batches, outroot, provers, check, report)
    if as_json:
        record = {"resumed": result.resumed, "batches": [
            {"batch": w.number, "out": str(w.out_dir), **{n: str(v) for n, v in zip(PUBLIC_INPUTS, w.public)}}
            for w in result.written], "seconds": round(report.total, 3)}
        out.print(json.dumps(record), markup=False)
        return
    if result.resumed:
        out.print(f"batches 1-{result.resumed} were already written in {outroot}", markup=False)
    for w in result.written:
        out.print(f"batch {w.number:<4} {w.out_dir}  new_root {w.public[PUBLIC_INPUTS.index('new_root')]}",
                  markup=False)
    out.print(f"proved {len(result.written)} batches into {outroot} in {report.total:.1f} s", markup=False)
