"""``zkob serve DIR --keys KEYS``: the venue's sequencer node (HTTP API, durable log, proofs, feed)."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("serve")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--keys", "keys_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Keys made by `zkob setup` for this state's parameters.")
@click.option("--cluster", metavar="local:N|tcp://HOST:PORT",
              help="Prove on Dask (N local workers, or a scheduler whose workers run `zkob worker`).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True)
@click.option("--batch-ops", type=click.IntRange(min=1), help="Cut a batch at N ops (default: K, the batch size).")
@click.option("--batch-seconds", type=click.FloatRange(min=0.05), default=2.0, show_default=True,
              help="Cut a batch S seconds after it opened.")
@click.option("--operator-token", envvar="ZKOB_OPERATOR_TOKEN",
              help="Token for POST /v1/deposits (default: drawn once, kept in DIR/node-tokens.json).")
@click.option("--replica-token", envvar="ZKOB_REPLICA_TOKEN",
              help="Token for GET /v1/batches/H/batch.json (default: drawn once, in DIR/node-tokens.json).")
@click.option("--backend", type=click.Choice(["auto", "compiled", "pure"]), default="auto", show_default=True,
              help="Prover arithmetic (this process).")
def command(directory: Path, keys_dir: Path, cluster: str | None, host: str, port: int, batch_ops: int | None,
            batch_seconds: float, operator_token: str | None, replica_token: str | None, backend: str) -> None:
    """Run a sequencer node on the state in DIRECTORY until SIGTERM or Ctrl-C.

    Users POST signed ops to /v1/ops; each is checked against the state
    with every op sequenced before it and acknowledged with its sequence
    number once it is in DIRECTORY/node.sqlite. Orders are matched as they
    arrive; batches are cut at --batch-ops ops or --batch-seconds, proven
    and published under DIRECTORY/batches/ and on /v1/feed. GET / is the
    explorer. See docs/node.md.
    """
    from ...node.server import NodeConfig, serve

    serve(NodeConfig(directory, keys_dir, cluster, host, port, batch_ops, batch_seconds, operator_token,
                     replica_token, backend))
