"""``zkob client ...``: talk to a node without curl (status, post a signed op, bridge deposits)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..console import out


@click.group("client")
def command() -> None:
    """A small client of a node started with `zkob serve`."""


@command.command("status")
@click.option("--url", default="http://127.0.0.1:8080", show_default=True, help="The node.")
def status(url: str) -> None:
    """Print the node's status (published height, root, pending ops, prover) as JSON."""
    from ...node.client import NodeClient

    with NodeClient(url) as node:
        data = node.status()
    out.print(json.dumps(data, indent=1), markup=False)


@command.command("post")
@click.argument("key_file", metavar="KEY.json", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("op_text", metavar="OP")
@click.option("--url", default="http://127.0.0.1:8080", show_default=True, help="The node.")
def post(key_file: Path, op_text: str, url: str) -> None:
    """Sign OP (a JSON op without "sig", e.g. '{"op": "place", ...}') with KEY.json and post it.

    The nonce is the account's nonce after every op the node has
    sequenced (GET /v1/accounts/ID). Prints the node's answer: the op's
    sequence number, its batch height and the fills it matched.
    """
    from ...node.client import NodeClient
    from ...node.protocol import op_json, parse_draft, sign_user_op, venue_of
    from ...state.ops import signer
    from ...zk.eddsa import key_file_from_json
    from ...zk.errors import MalformedInput, ZkobError
    from ...zk.strict_json import load_json

    try:
        prv, _ = key_file_from_json(json.loads(key_file.read_bytes()), str(key_file))
    except (ValueError, MalformedInput) as exc:
        raise ZkobError(f"{key_file} is not a zkob key file: {exc}") from None
    draft = parse_draft(load_json(op_text, "OP", floats_to_fields=True))
    with NodeClient(url) as node:
        venue = venue_of(node.status()["params"])
        signed = sign_user_op(draft, prv, node.nonce(signer(draft)), venue)
        answer = node.post_op(op_json(signed))
    out.print(json.dumps(answer), markup=False)


@command.command("deposit")
@click.option("--url", default="http://127.0.0.1:8080", show_default=True, help="The node.")
@click.option("--token", envvar="ZKOB_OPERATOR_TOKEN", required=True,
              help="The node's operator token (its DIR/node-tokens.json \"operator\").")
@click.option("--account", type=click.IntRange(min=0), required=True)
@click.option("--asset", type=click.IntRange(min=0), required=True)
@click.option("--amount", type=click.IntRange(min=1), required=True)
@click.option("--key", "key_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Create the account with this key file's public key (its first deposit).")
def deposit(url: str, token: str, account: int, asset: int, amount: int, key_file: Path | None) -> None:
    """Post one bridge deposit (as the bridge does) and print the node's answer."""
    from ...node.client import NodeClient
    from ...zk.eddsa import key_file_from_json
    from ...zk.errors import MalformedInput, ZkobError

    op: dict[str, object] = {"op": "deposit", "account": account, "asset": asset, "amount": str(amount)}
    if key_file is not None:
        try:
            document = json.loads(key_file.read_bytes())
            key_file_from_json(document, str(key_file))
        except (ValueError, MalformedInput) as exc:
            raise ZkobError(f"{key_file} is not a zkob key file: {exc}") from None
        op["pubkey"] = document["public_key"]
    with NodeClient(url) as node:
        answer = node.post_deposits([op], token)
    out.print(json.dumps(answer), markup=False)
