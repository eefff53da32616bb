"""``zkob sign KEY.json DIR BATCH.json -o SIGNED.json``: sign a key holder's ops of a batch."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..console import out
from ..statedir import state_dir


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
    """Sign, in batch order, the withdraw/place/cancel/margin/dplace/liquidate ops of KEY.json's account(s).

    The key's accounts are those of DIRECTORY's state whose stored public
    key is the key's (and accounts a deposit of the batch creates with it);
    a liquidate is signed by its liquidator. Each op is signed over
    H(venue, op_hash, nonce) with the state's venue_id and the account's
    current nonce plus the number of its earlier signed ops in the batch.
    Other ops, the time and the reports are copied as they are, so several
    holders (and committee members, `zkob oracle sign`) can sign one file
    in turn.
    """
    from ...state.batchfile import load_batch
    from ...state.ops import is_signed, signer, to_json
    from ...state.oracle import report_to_json
    from ...state.protocol import SIGNED
    from ...state.signing import batch_nonces, sign_ops
    from ...zk.eddsa import key_file_from_json
    from ...zk.errors import MalformedInput, ZkobError
    from ...zk.files import PRIVATE, write_atomic

    try:
        prv, public_key = key_file_from_json(json.loads(key_file.read_bytes()), str(key_file))
    except (ValueError, MalformedInput) as exc:  # JSONDecodeError is a ValueError
        raise ZkobError(f"{key_file} is not a zkob key file: {exc}") from None
    with state_dir(directory) as state:
        batch = load_batch(batch_file, state.params, require_sigs=False)
        accounts = _key_accounts(state, batch, public_key)
        if not accounts:
            raise ZkobError(f"no account of the state in {directory} (or created by {batch_file}) "
                            f"has the key of {key_file}")
        nonces = batch_nonces(batch.ops, state)
        signed = sign_ops(batch.ops, {a: prv for a in accounts}, state)
    mine = [i for i, op in enumerate(batch.ops) if is_signed(op) and signer(op) in accounts]
    if not mine:
        kinds = f"{', '.join(SIGNED[:-1])} or {SIGNED[-1]}"
        raise ZkobError(f"no {kinds} of account(s) {', '.join(map(str, accounts))} in {batch_file}")
    document: dict[str, object] = {"ops": [to_json(op) for op in signed], "time": batch.time,
                                   "reports": [report_to_json(r) for r in batch.reports]}
    if batch.salt_given:
        document["salt"] = str(batch.salt)
    write_atomic(out_path, json.dumps(document, indent=1) + "\n", mode=PRIVATE)  # signatures: the holder's
    for i in mine:
        op = batch.ops[i]
        out.print(f"signed ops[{i}] ({op.NAME}) of account {signer(op)} at nonce {nonces[i]}", markup=False)
    unsigned = sum(1 for op in signed if is_signed(op) and getattr(op, "sig", None) is None)
    if unsigned:
        out.print(f"{unsigned} op(s) of other accounts still need their holders' signatures", markup=False)
