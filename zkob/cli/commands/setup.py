"""``zkob setup DIR -o KEYS [--ptau P.ptau [--zkey FINAL.zkey]]``: Groth16 keys for a state directory's parameters."""

from __future__ import annotations

from pathlib import Path

import click

from ..console import Phases, err, out


@click.command("setup")
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("-o", "--out", "keys_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Directory for verification_key.json and proving_key.zkpk.")
@click.option("--force", is_flag=True, help="Overwrite keys already in the output directory.")
@click.option("--backend", type=click.Choice(["auto", "compiled", "pure"]), default="auto", show_default=True,
              help="Arithmetic for the key's point queries: numba kernels or the pure-Python reference.")
@click.option("--ptau", type=click.Path(dir_okay=False, path_type=Path),
              help="A prepared Powers of Tau (.ptau): make snarkjs-format keys from it (zkey new and one "
                   "contribution from this machine) instead of the one-party development ceremony.")
@click.option("--zkey", "final", type=click.Path(dir_okay=False, path_type=Path),
              help="With --ptau: install a ceremony's final .zkey after verifying its whole phase 2 against "
                   "DIRECTORY's circuit and the ptau, instead of contributing here.")
@click.option("--name", default="zkob setup", show_default=True, help="Name of this machine's contribution (--ptau).")
@click.option("--quiet", is_flag=True, help="No progress output.")
def command(directory: Path, keys_dir: Path, force: bool, backend: str, ptau: Path | None, final: Path | None,
            name: str, quiet: bool) -> None:
    """Make Groth16 proving and verification keys for DIRECTORY's parameters.

    Without --ptau: a development ceremony (whoever runs it can forge proofs).
    With --ptau: KEYS/circuit_final.zkey from the public Powers of Tau and one
    phase-2 contribution, or (--zkey) a ceremony's final key once it verifies:
    the production path (README).
    """
    from ...zk.errors import ZkobError

    if final is not None and ptau is None:
        raise ZkobError("--zkey needs --ptau (the ceremony is verified against the circuit and the ptau)")
    if ptau is not None:
        from ._setup_ptau import setup_from_ptau

        setup_from_ptau(directory, keys_dir, ptau, name, force, backend, quiet, final)
        return
    from rich.markup import escape

    from ...pipeline.keyfiles import PK_FILE, VK_FILE
    from ...pipeline.setup import make_keys
    from ...state.store import read_params
    from ...zk.groth16.setup import DEV_CEREMONY_WARNING

    params = read_params(directory)
    existing = [name for name in (PK_FILE, VK_FILE) if (keys_dir / name).exists()]
    if existing and not force:
        raise ZkobError(f"{keys_dir / existing[0]} already exists (use --force to replace the keys)")
    err.print(f"[bold red]warning:[/] {escape(DEV_CEREMONY_WARNING)}")
    with Phases(quiet) as report:
        make_keys(params, keys_dir, report=report, backend=backend)
    out.print(str(keys_dir / VK_FILE), markup=False)
    out.print(str(keys_dir / PK_FILE), markup=False)
