"""``zkob keygen -o KEY.json``: a fresh EdDSA-Poseidon (Baby Jubjub) key pair."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..console import out


@click.command("keygen")
@click.option("-o", "--out", "out_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Private key file to create (owner-only permissions; never overwritten).")
def command(out_path: Path) -> None:
    """Create a private key file and print the public key as ["x", "y"] (decimal).

    The key is 32 random bytes from the OS (secrets); the public key is
    circomlibjs's prv2pub of it, ready for a deposit's "pubkey".
    """
    import secrets

    from ...zk.eddsa import key_file_to_json
    from ...zk.errors import ZkobError
    from ...zk.files import PRIVATE, write_atomic

    exists = ZkobError(f"{out_path} already exists; refusing to overwrite a key file")
    if out_path.exists() or out_path.is_symlink():
        raise exists
    document = key_file_to_json(secrets.token_bytes(32))
    public = json.dumps(document["public_key"])  # computed before the file exists
    try:
        write_atomic(out_path, json.dumps(document, indent=1) + "\n", mode=PRIVATE, overwrite=False)
    except FileExistsError:
        raise exists from None
    except OSError as exc:
        raise ZkobError(f"cannot write {out_path}: {exc.strerror or exc}") from None
    out.print(public, markup=False)
