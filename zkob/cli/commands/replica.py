"""``zkob replica DIR --url URL --token T``: a replica that replays a node's private batches."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..console import err, out
from ..statedir import state_dir


@click.command("replica")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--url", required=True, help="The node (zkob serve), e.g. http://127.0.0.1:8080.")
@click.option("--token", envvar="ZKOB_REPLICA_TOKEN", required=True,
              help="The node's replica token (its DIR/node-tokens.json, key \"replica\").")
@click.option("--keep-running", is_flag=True, help="Wait for new batches instead of stopping.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object: height, root, batches applied.")
def command(directory: Path, url: str, token: str, keep_running: bool, as_json: bool) -> None:
    """Bring the replica state in DIRECTORY up to the node's published height, checking every root.

    DIRECTORY is a state made by `zkob init` with the node's parameters
    (and the same history up to its height). Each batch.json is fetched
    with the replica token and applied only if its old root, new root,
    commitment and bridge digest reproduce the published public.json;
    otherwise exit 1 and the replica stays at the batch before. Rerunning
    resumes at the replica's height.
    """
    from ...node.client import NodeClient, replicate

    def shown(height: int, root: int) -> None:
        if not as_json:
            err.print(f"batch {height}: root {root}", markup=False)

    with state_dir(directory) as state, NodeClient(url, token) as node:
        synced = replicate(node, state, keep_running, on_step=shown)
    if as_json:
        out.print(json.dumps({"height": synced.height, "root": str(synced.root), "applied": synced.applied}),
                  markup=False)
    else:
        out.print(str(synced.root), markup=False)
