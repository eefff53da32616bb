"""``zkob setup DIR -o KEYS``: Groth16 keys for a state directory's parameters."""

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
@click.option("--quiet", is_flag=True, help="No progress output.")
def command(directory: Path, keys_dir: Path, force: bool, backend: str, quiet: bool) -> None:
    """Make Groth16 proving and verification keys for DIRECTORY's parameters."""
    from rich.markup import escape

    from ...pipeline.keyfiles import PK_FILE, VK_FILE
    from ...pipeline.setup import make_keys
    from ...state.store import read_params
    from ...zk.errors import ZkobError
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
