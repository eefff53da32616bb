"""``zkob sign KEY.json DIR BATCH.json -o SIGNED.json``: sign a key holder's ops of a batch."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..statedir import open_or_fail
from ..console import fail, out


def _key_accounts(state, batch, public_key: tuple[int, int]) -> list[int]:
    """Accounts whose stored key is ``public_key``, plus those a deposit of the batch creates with it."""
    owned = {account for account, leaf in state.accounts() if (leaf.pk_x, leaf.pk_y) == public_key}
    for op in batch.ops:
        if op.NAME == "deposit" and op.pubkey == public_key and state.account(op.account) is None:
            owned.add(op.account)
    return sorted(owned)


@click.command("sign")
@click.argument("key_file", metavar="KEY.json", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("directory", type=click.Path(path_type=Path))
@click.argument("batch_file", metavar="BATCH.json", type=click.Path(path_type=Path))
@click.option("-o", "--out", "out_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Signed batch file to write (atomically; may be BATCH.json itself).")
def command(key_file: Path, directory: Path, batch_file: Path, out_path: Path) -> None:
    """Sign, in batch order, the withdraw/place/cancel ops of KEY.json's account(s).

    The key's accounts are those of DIRECTORY's state whose stored public
    key is the key's (and accounts a deposit of the batch creates with it).
    Each op is signed over H(op_hash, nonce) with the account's current
    nonce plus the number of its earlier signed ops in the batch. Other ops
    are copied as they are, so several holders can sign one file in turn.
    """
    from ...state.api import close_state
    from ...state.batchfile import load_batch
    from ...state.errors import StoreError
    from ...state.ops import is_signed, to_json
    from ...state.signing import batch_nonces, sign_ops
    from ...zk.eddsa import key_file_from_json
    from ...zk.errors import MalformedInput
    from ...zk.files import PRIVATE, write_atomic

    try:
        prv, public_key = key_file_from_json(json.loads(key_file.read_bytes()), str(key_file))
    except OSError as exc:
        fail(f"cannot read {key_file}: {exc.strerror or exc}")
    except (ValueError, MalformedInput) as exc:  # JSONDecodeError is a ValueError
        fail(f"{key_file} is not a zkob key file: {exc}")
    state = open_or_fail(directory)
    try:
        batch = load_batch(batch_file, state.params.batch_size, require_sigs=False)
        accounts = _key_accounts(state, batch, public_key)
        if not accounts:
            fail(f"no account of the state in {directory} (or created by {batch_file}) has the key of {key_file}")
        nonces = batch_nonces(batch.ops, state)
        signed = sign_ops(batch.ops, {a: prv for a in accounts}, state)
    except (MalformedInput, StoreError) as exc:
        fail(exc)
    finally:
        close_state(state)
    mine = [i for i, op in enumerate(batch.ops) if is_signed(op) and op.account in accounts]
    if not mine:
        fail(f"no withdraw, place or cancel of account(s) {', '.join(map(str, accounts))} in {batch_file}")
    document: dict = {"ops": [to_json(op) for op in signed]}
    if batch.salt_given:
        document["salt"] = str(batch.salt)
    try:
        write_atomic(out_path, json.dumps(document, indent=1) + "\n", mode=PRIVATE)  # signatures: the holder's
    except OSError as exc:
        fail(f"cannot write {out_path}: {exc.strerror or exc}")
    for i in mine:
        op = batch.ops[i]
        out.print(f"signed ops[{i}] ({op.NAME}) of account {op.account} at nonce {nonces[i]}", markup=False)
    unsigned = sum(1 for op in signed if is_signed(op) and op.sig is None)
    if unsigned:
        out.print(f"{unsigned} op(s) of other accounts still need their holders' signatures", markup=False)
