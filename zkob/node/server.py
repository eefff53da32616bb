"""``serve``: a sequencer node on a state directory, until SIGTERM or SIGINT.

    lock DIR (DIR/node.lock)  ->  sequencer thread: open the state and the log, replay what a crash
    left half-done, re-queue unproven batches, then run  ->  uvicorn serves the app  ->  on SIGTERM:
    stop accepting, finish the current step, stop the prover process, close the log (unproven batches
    resume at restart)

The sequencer thread owns every SQLite connection it opens (the state's
and the log's), so the state is touched by one thread only. Logging uses
one format for zkob's and uvicorn's loggers (``LOG_FORMAT``).
"""

from __future__ import annotations

import contextlib
import json
import logging
import logging.config
import os
import secrets
import signal
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..zk.errors import ZkobError
from ..zk.files import PRIVATE, write_atomic
from .log import NodeLog, lock_dir

log = logging.getLogger("zkob.node")
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
TOKENS_FILE = "node-tokens.json"
PUBLISHED = "batches"


def logging_config(level: str = "INFO") -> dict[str, Any]:
    """One format for zkob's and uvicorn's loggers, to stderr."""
    handler = {"class": "logging.StreamHandler", "formatter": "common", "stream": "ext://sys.stderr"}
    loggers = {name: {"handlers": ["stderr"], "level": level, "propagate": False}
               for name in ("zkob", "uvicorn", "uvicorn.error", "uvicorn.access")}
    return {"version": 1, "disable_existing_loggers": False,
            "formatters": {"common": {"format": LOG_FORMAT}}, "handlers": {"stderr": handler}, "loggers": loggers}


@dataclass(frozen=True)
class NodeConfig:
    directory: Path
    keys_dir: Path
    cluster: str | None = None
    host: str = "127.0.0.1"
    port: int = 8080
    batch_ops: int | None = None        # None: K
    batch_seconds: float = 2.0
    operator_token: str | None = None
    replica_token: str | None = None
    backend: str = "auto"


def tokens(directory: Path, operator: str | None, replica: str | None) -> tuple[str, str]:
    """The operator and replica tokens: given, or kept in DIR/node-tokens.json (drawn once, owner-only)."""
    path = directory / TOKENS_FILE
    stored: dict[str, str] = {}
    if path.exists():
        stored = json.loads(path.read_text())
    if not stored:
        stored = {"operator": secrets.token_urlsafe(24), "replica": secrets.token_urlsafe(24)}
        write_atomic(path, json.dumps(stored, indent=1) + "\n", mode=PRIVATE)
    return operator or stored["operator"], replica or stored["replica"]


class Runtime:
    """The sequencer thread and what it owns; ``start`` returns once the node is ready (or raises)."""

    def __init__(self, config: NodeConfig):
        self.config = config
        self.ready: Future = Future()
        self.thread = threading.Thread(target=self._main, name="zkob-sequencer", daemon=True)
        self.node: Any = None

    def start(self) -> Any:
        self.thread.start()
        return self.ready.result()

    def stop(self, timeout: float = 30.0) -> None:
        if self.node is not None:
            self.node.sequencer.stop()
        self.thread.join(timeout)

    def _main(self) -> None:
        try:
            with contextlib.ExitStack() as stack:
                self._open(stack)
                self.node.sequencer.run()
        except BaseException as exc:  # before ready: the caller raises it; after: the node is stopping
            if not self.ready.done():
                self.ready.set_exception(exc if isinstance(exc, ZkobError) else ZkobError(f"{type(exc).__name__}: {exc}"))
            else:
                log.exception("the sequencer stopped")

    def _open(self, stack: contextlib.ExitStack) -> None:
        from ..pipeline.keyfiles import VK_FILE, keys_identity, load_vk
        from ..pipeline.prove import proof_checker
        from ..state.api import close_state, open_state
        from .app import Node
        from .prover import Publisher
        from .provers import ProcessProvers
        from .sequencer import Sequencer

        cfg = self.config
        state = open_state(cfg.directory)
        stack.callback(close_state, state)
        identity = keys_identity(cfg.keys_dir, state.params)  # keys for other parameters: refused now
        check = proof_checker(load_vk(cfg.keys_dir / VK_FILE), cfg.backend)
        node_log = NodeLog(cfg.directory)
        stack.callback(node_log.close)
        if cfg.cluster is None:
            provers: Any = ProcessProvers(state.params, cfg.keys_dir, cfg.backend)
            stack.callback(provers.close)  # after publisher.stop (LIFO): no prover process outlives the node
        else:
            from ..pipeline.cluster_client import dask_provers

            provers = stack.enter_context(dask_provers(cfg.cluster, cfg.keys_dir, identity,
                                                       lambda phase: log.info("cluster: %s", phase)))
        outroot = cfg.directory / PUBLISHED
        outroot.mkdir(exist_ok=True)
        publisher = Publisher(state, outroot, provers, check)
        stack.callback(publisher.stop)
        sequencer = Sequencer(state, node_log, cfg.batch_ops or state.params.batch_size, cfg.batch_seconds,
                              publisher.cut)
        backlog = sequencer.recover(publisher.replay_published)
        operator, replica = tokens(cfg.directory, cfg.operator_token, cfg.replica_token)
        self.node = Node(cfg.directory, outroot, sequencer, publisher, operator, replica,
                         json.loads(state.params.to_json()), time.time())
        publisher.start(sequencer, backlog)
        log.info("state %s at height %d; %d batches to prove; next op seq %d", cfg.directory, state.height,
                 len(backlog), sequencer.next_seq)
        self.ready.set_result(self.node)


def _stopped(signum: int, frame: object) -> None:
    log.info("received signal %d", signum)


def serve(config: NodeConfig) -> None:
    """Run a node until SIGTERM/SIGINT; ZkobError (exit 2) if DIR is locked or cannot be served."""
    import uvicorn

    from .app import make_app

    level = os.environ.get("ZKOB_LOG_LEVEL", "INFO").upper()
    logging.config.dictConfig(logging_config(level))
    directory = config.directory
    if not directory.is_dir():
        raise ZkobError(f"{directory} is not a state directory (run `zkob init` first)")
    lock = lock_dir(directory)
    try:
        runtime = Runtime(config)
        node = runtime.start()
        app = make_app(node)
        server = uvicorn.Server(uvicorn.Config(app, host=config.host, port=config.port,
                                               log_config=logging_config(level), lifespan="off"))
        log.info("serving %s on http://%s:%d (tokens in %s)", directory, config.host, config.port,
                 directory / TOKENS_FILE)
        # uvicorn re-raises the signal after its shutdown: land in _stopped instead, so the node's own runs
        previous = {sig: signal.signal(sig, _stopped) for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            server.run()
        finally:
            log.info("stopping: no new requests; finishing the current step")
            runtime.stop()
            log.info("stopped")
            for sig, handler in previous.items():
                signal.signal(sig, handler)
    finally:
        os.close(lock)
