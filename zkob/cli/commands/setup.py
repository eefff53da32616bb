"""``zkob setup DIR -o KEYS``: Groth16 keys for a state directory's parameters."""

from __future__ import annotations

from pathlib import Path

import click

from ..console import Phases, err, fail, out

WARNING = (
    "DEVELOPMENT CEREMONY: the toxic waste (tau, alpha, beta, gamma, delta) was drawn from this "
    "machine's randomness by one party. Anyone who kept it could forge proofs. Never use these keys "
    "in production; use a multi-party ceremony."
)


@click.command("setup")
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("-o", "--out", "keys_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Directory for verification_key.json and proving_key.zkpk.")
@click.option("--force", is_flag=True, help="Overwrite keys already in the output directory.")
@click.option("--quiet", is_flag=True, help="No progress output.")
def command(directory: Path, keys_dir: Path, force: bool, quiet: bool) -> None:
    """Make Groth16 proving and verification keys for DIRECTORY's parameters."""
    from ...state.errors import StoreError
    from ...state.store import read_params
    from ...zk.errors import ZkError
    from ..keyfiles import PK_FILE, VK_FILE
    from ..pipeline import make_keys

    try:
        params = read_params(directory)
    except (StoreError, ZkError) as exc:
        fail(exc)
    existing = [name for name in (PK_FILE, VK_FILE) if (keys_dir / name).exists()]
    if existing and not force:
        fail(f"{keys_dir / existing[0]} already exists (use --force to replace the keys)")
    err.print(f"[bold red]warning:[/] {WARNING}")
    try:
        with Phases(quiet) as report:
            make_keys(params, keys_dir, report=report)
    except (ZkError, OSError) as exc:
        fail(exc)
    out.print(str(keys_dir / VK_FILE), markup=False)
    out.print(str(keys_dir / PK_FILE), markup=False)
