"""HTTP clients of a node (httpx): post ops, read status, and sync from the feed.

- ``NodeClient``: one node's API; every answer is bounded in size and
  parsed strictly; an error answer raises ``NodeError`` (its status, its
  message and, for a 422, the rule).
- ``follow_node``: a light client over the public feed. It asks the feed
  for heights from its next one, fetches each batch's public.json,
  proof.json and bridge.json, and advances the light-client state
  (state/lightclient.py: roots chained, bridge record checked, proof
  verified); with a state file it resumes where it stopped.
- ``replicate``: a replica over the private feed. It fetches each
  batch.json with the replica token and replays it on its own state
  directory, applied only if it reproduces the published public inputs
  (pipeline/replay.py), so every root is checked; it resumes at its
  state's height.

Both stop when the feed has nothing new (or keep waiting with ``keep_running``).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from ..pipeline.outputs import BATCH, PROOF, PUBLIC, read_step
from ..state.lightclient import MAX_BRIDGE_RECORD_BYTES, Step
from ..zk.errors import Refused, ZkobError
from ..zk.files import PRIVATE, write_atomic
from ..zk.strict_json import load_json
from .views import PUBLIC_FILES

MAX_ANSWER = MAX_BRIDGE_RECORD_BYTES  # no answer of a node is larger than a bridge record
FEED_WAIT = 20


class NodeError(ZkobError):
    """The node answered with an error (or could not be reached)."""

    def __init__(self, message: str, status: int | None = None, rule: str | None = None):
        super().__init__(message)
        self.status, self.rule = status, rule


class NodeClient:
    """One node at ``url`` (e.g. http://127.0.0.1:8080)."""

    def __init__(self, url: str, token: str | None = None, timeout: float = 60.0):
        self.url = url.rstrip("/")
        headers = {"authorization": f"Bearer {token}"} if token else {}
        self.http = httpx.Client(base_url=self.url, headers=headers, timeout=timeout)

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> NodeClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _request(self, method: str, path: str, **kwargs: Any) -> bytes:
        try:
            with self.http.stream(method, path, **kwargs) as answer:
                body = bytearray()
                for chunk in answer.iter_bytes():
                    body += chunk
                    if len(body) > MAX_ANSWER:
                        raise NodeError(f"{path}: answer larger than {MAX_ANSWER} bytes")
                status = answer.status_code
        except httpx.HTTPError as exc:
            raise NodeError(f"cannot reach {self.url}{path}: {exc}") from None
        if status >= 400:
            try:
                data = load_json(bytes(body), path)
                message, rule = str(data.get("error")), data.get("rule")
            except Exception:
                message, rule = bytes(body[:200]).decode(errors="replace"), None
            raise NodeError(f"{path}: HTTP {status}: {message}", status, rule)
        return bytes(body)

    def get_json(self, path: str, **params: Any) -> Any:
        return load_json(self._request("GET", path, params=params), f"{self.url}{path}")

    def post_json(self, path: str, data: Any, token: str | None = None) -> Any:
        headers = {"authorization": f"Bearer {token}"} if token else None
        return load_json(self._request("POST", path, json=data, headers=headers), f"{self.url}{path}")

    def status(self) -> dict:
        return self.get_json("/v1/status")

    def nonce(self, account: int) -> int:
        return int(self.get_json(f"/v1/accounts/{account}")["nonce"])

    def post_op(self, op: dict) -> dict:
        return self.post_json("/v1/ops", op)

    def post_deposits(self, deposits: list[dict], token: str) -> dict:
        return self.post_json("/v1/deposits", {"deposits": deposits}, token)

    def feed(self, start: int, wait: float = FEED_WAIT) -> list[int]:
        """Published heights from ``start`` on (waits up to ``wait`` s for the first)."""
        data = self.get_json("/v1/feed", **{"from": start, "wait": int(wait)})
        return [int(h) for h in data["heights"]]

    def step(self, height: int) -> Step:
        """Batch ``height`` as a light client sees it: its public files, read as `zkob follow OUT` reads them.

        The files are fetched into a private scratch directory and read by
        pipeline.outputs.read_step (strict, each bounded), so the feed and
        the files agree on what a step is.
        """
        with tempfile.TemporaryDirectory(prefix="zkob-step-") as scratch:
            for name in PUBLIC_FILES:
                try:
                    data = self._request("GET", f"/v1/batches/{height}/{name}")
                except NodeError as exc:
                    if exc.status == 404 and name not in (PUBLIC, PROOF):
                        continue  # an optional record the node did not publish: read_step decides
                    raise
                write_atomic(Path(scratch) / name, data)
            return read_step(Path(scratch))

    def private_batch(self, height: int) -> tuple[bytes, bytes]:
        """(public.json, batch.json) of batch ``height`` (batch.json needs the replica token)."""
        return (self._request("GET", f"/v1/batches/{height}/{PUBLIC}"),
                self._request("GET", f"/v1/batches/{height}/{BATCH}"))


@dataclass(frozen=True)
class Synced:
    height: int
    root: int
    applied: int


def _heights(client: NodeClient, start: int, keep_running: bool, wait: float) -> list[int]:
    while True:
        heights = client.feed(start, wait if keep_running else 0)
        if heights or not keep_running:
            return heights


def follow_node(client: NodeClient, advance_steps: Callable[[list[Step]], tuple[int, int, str | None]],
                next_height: Callable[[], int], keep_running: bool = False, wait: float = FEED_WAIT,
                on_step: Callable[[int, int], None] | None = None) -> Synced:
    """Feed steps to a light client until the feed has nothing new; Refused at the first step it refuses.

    ``advance_steps(steps)`` applies steps and returns (height, root,
    refusal reason or None); ``next_height()`` is the node height the
    client needs next.
    """
    applied, height, root = 0, 0, 0
    while True:
        heights = _heights(client, next_height(), keep_running, wait)
        if not heights:
            return Synced(height, root, applied)
        steps = [client.step(h) for h in heights]
        height, root, refused = advance_steps(steps)
        if refused is not None:
            raise Refused(f"batch {next_height()} from {client.url} refused: {refused}")
        applied += len(steps)
        if on_step is not None:
            on_step(heights[-1], root)


def replicate(client: NodeClient, state: Any, keep_running: bool = False, wait: float = FEED_WAIT,
              on_step: Callable[[int, int], None] | None = None) -> Synced:
    """Replay every published batch the replica ``state`` lacks, checking each against its public inputs."""
    from ..pipeline.replay import replay_output

    applied = 0
    with tempfile.TemporaryDirectory(prefix="zkob-replica-") as scratch:
        while True:
            heights = _heights(client, state.height + 1, keep_running, wait)
            if not heights:
                return Synced(state.height, state.root, applied)
            for height in heights:
                if height != state.height + 1:
                    raise Refused(f"the feed skipped from height {state.height} to {height}")
                public, batch = client.private_batch(height)
                step = Path(scratch) / f"{height:06d}"
                step.mkdir()
                write_atomic(step / PUBLIC, public)
                write_atomic(step / BATCH, batch, mode=PRIVATE)
                trace = replay_output(state, step / BATCH)
                applied += 1
                if on_step is not None:
                    on_step(height, trace.new_root)
