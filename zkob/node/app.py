"""The node's HTTP API (JSON over /v1) and the explorer page, as a Starlette ASGI app.

    POST /v1/ops                      one signed user op -> {"seq", "height", "fills"}; 422 names the rule
    POST /v1/reports                  one committee-signed report (waits for the next batch)
    POST /v1/deposits                 {"deposits": [deposit, ...]} from the bridge (operator token)
    GET  /v1/status                   heights, root, time, pending ops, prover state
    GET  /v1/accounts/{id}            the account's nonce after every sequenced op (for signing)
    GET  /v1/batches                  batch summaries (?from=H or the newest), for the explorer
    GET  /v1/batches/{h}/{public.json|proof.json|bridge.json}   the public feed (v2: market.json too)
    GET  /v1/batches/{h}/batch.json   the private batch (replica token)
    GET  /v1/feed?from=H&wait=S       long poll: published heights >= H, once there is one (or [] after S s)
    GET  /                            the explorer (server-rendered; refreshes itself)

Every error is a JSON object ``{"error": "..."}`` with a 4xx status (and
``"rule"`` on a 422), and nothing is logged for it: a body is read up to
MAX_BODY bytes and parsed strictly (duplicate keys, floats and unknown
fields refused) before the sequencer sees anything. Tokens are compared
in constant time (``Authorization: Bearer TOKEN``).
"""

from __future__ import annotations

import asyncio
import hmac
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from ..pipeline.outputs import BATCH
from ..state.errors import Rejected
from ..zk.errors import InternalError, MalformedInput, ZkobError
from ..zk.strict_json import load_json
from .explorer import render_page
from .prover import Publisher
from .protocol import parse_committee_report, parse_deposit, parse_user_op
from .sequencer import Sequenced, Sequencer
from .views import MAX_ROWS, PUBLIC_FILES, batch_rows, published_step

T = TypeVar("T")

MAX_BODY = 64 << 10   # one op is about 1 KiB of JSON; a deposit list of K ops fits easily
MAX_WAIT = 30.0       # longest long poll, seconds
ANSWER_TIMEOUT = 120.0  # a request the sequencer has not answered by then gets a 503 (it may still be sequenced)


class HttpError(Exception):
    def __init__(self, status: int, message: str, rule: str | None = None):
        super().__init__(message)
        self.status, self.message, self.rule = status, message, rule


@dataclass
class Node:
    """What the handlers need: the sequencer, the publisher, DIR and the tokens."""

    directory: Path
    outroot: Path
    sequencer: Sequencer
    publisher: Publisher
    operator_token: str
    replica_token: str
    params: dict
    started: float


def error(status: int, message: str, rule: str | None = None) -> JSONResponse:
    body: dict[str, Any] = {"error": message}
    if rule is not None:
        body["rule"] = rule
    return JSONResponse(body, status_code=status)


async def read_json(request: Request) -> Any:
    """The body, at most MAX_BODY bytes, strictly parsed; HttpError 413/400 otherwise."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > MAX_BODY):
        raise HttpError(413, f"body larger than {MAX_BODY} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            raise HttpError(413, f"body larger than {MAX_BODY} bytes")
    try:
        return load_json(bytes(body), "body", floats_to_fields=True)
    except MalformedInput as exc:
        raise HttpError(400, str(exc)) from None


def require_token(request: Request, token: str, what: str) -> None:
    given = request.headers.get("authorization", "")
    if not given.startswith("Bearer ") or not hmac.compare_digest(given[7:].encode(), token.encode()):
        raise HttpError(401, f"this needs the {what} token (Authorization: Bearer TOKEN)")


async def ask(node: Node, kind: str, payload: Any) -> Any:
    """Hand a request to the sequencer's thread and wait for its answer."""
    try:
        return await asyncio.wait_for(asyncio.wrap_future(node.sequencer.submit(kind, payload)), ANSWER_TIMEOUT)
    except TimeoutError:
        raise HttpError(503, f"the sequencer did not answer within {ANSWER_TIMEOUT:.0f} s") from None
    except Rejected as exc:
        raise HttpError(422, str(exc), exc.rule) from None
    except InternalError as exc:
        raise HttpError(503, str(exc)) from None
    except ZkobError as exc:
        raise HttpError(400, str(exc)) from None


def _parsed(parse: Callable[[Any], T], data: Any) -> T:
    """``parse(data)``, with a malformed body answered as 400 and its one-line reason."""
    try:
        return parse(data)
    except MalformedInput as exc:
        raise HttpError(400, str(exc)) from None


def _answer(done: Sequenced) -> dict:
    return {"seq": done.seqs[0] if len(done.seqs) == 1 else list(done.seqs), "height": done.height,
            "fills": [{"seq": s, "op": op} for s, op in done.fills]}


async def post_op(request: Request) -> Response:
    node: Node = request.app.state.node
    op = _parsed(parse_user_op, await read_json(request))
    return JSONResponse(_answer(await ask(node, "op", op)))


async def post_deposits(request: Request) -> Response:
    node: Node = request.app.state.node
    require_token(request, node.operator_token, "operator")
    data = await read_json(request)
    if not isinstance(data, dict) or set(data) != {"deposits"} or not isinstance(data["deposits"], list) \
            or not data["deposits"]:
        raise HttpError(400, 'expected {"deposits": [deposit, ...]} (at least one)')
    ops = [_parsed(parse_deposit, d) for d in data["deposits"]]
    done: Sequenced = await ask(node, "deposits", ops)
    return JSONResponse({"seqs": list(done.seqs), "height": done.height})


async def post_report(request: Request) -> Response:
    node: Node = request.app.state.node
    report = _parsed(parse_committee_report, await read_json(request))
    return JSONResponse(await ask(node, "report", report))


async def status_of(node: Node) -> dict:
    seq = await ask(node, "call", lambda s: s.snapshot())
    publisher = node.publisher
    prover = "failed: " + publisher.failure if publisher.failure else \
        (f"proving batch {publisher.published + 1}" if seq["pending_batches"] else "idle")
    return {
        "height": publisher.published, "root": str(publisher.root),
        "time": publisher.times.get(publisher.published), "node_time": int(time.time()),
        "pending_ops": seq["pending_ops"], "pending_batches": seq["pending_batches"],
        "open_batch": seq["open_batch"], "sequenced_seq": seq["sequenced_seq"],
        "prover": prover, "prover_crashes": getattr(publisher.provers, "crashes", 0),
        "sequencer": "failed: " + seq["failure"] if seq["failure"] else "running",
        "params": node.params, "uptime": int(time.time() - node.started),
    }


async def get_status(request: Request) -> Response:
    return JSONResponse(await status_of(request.app.state.node))


async def get_account(request: Request) -> Response:
    node: Node = request.app.state.node
    raw = request.path_params["account"]
    if not raw.isdigit() or len(raw) > 12:
        raise HttpError(400, "account: expected a decimal id")
    account = int(raw)
    nonce = await ask(node, "call", lambda s: s.nonce(account))
    if nonce is None:
        raise HttpError(404, f"account {account} does not exist (yet)")
    return JSONResponse({"account": account, "nonce": nonce})


def _height(request: Request) -> int:
    raw = request.path_params["height"]
    if not raw.isdigit() or len(raw) > 9:
        raise HttpError(400, "height: expected a decimal number")
    return int(raw)


async def get_batch_file(request: Request) -> Response:
    node: Node = request.app.state.node
    height, name = _height(request), request.path_params["name"]
    if name == BATCH:
        require_token(request, node.replica_token, "replica")
    elif name not in PUBLIC_FILES:
        raise HttpError(404, f"a batch has {', '.join(PUBLIC_FILES + (BATCH,))}")
    path = published_step(node.outroot, height, name)
    if path is None:
        raise HttpError(404, f"batch {height} is not published (published: 1..{node.publisher.published})")
    return FileResponse(path, media_type="application/json")


def _query_int(request: Request, name: str, default: int | None) -> int | None:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or len(raw) > 9:
        raise HttpError(400, f"{name}: expected a decimal number")
    return int(raw)


async def get_batches(request: Request) -> Response:
    node: Node = request.app.state.node
    start = _query_int(request, "from", None)
    limit = _query_int(request, "limit", MAX_ROWS) or MAX_ROWS
    rows = await asyncio.to_thread(batch_rows, node.directory, node.outroot, True, start, limit)
    return JSONResponse({"batches": rows, "published": node.publisher.published})


async def get_feed(request: Request) -> Response:
    """Long poll: heights from ``from`` (default 1) that are published, waiting up to ``wait`` s for one."""
    node: Node = request.app.state.node
    start = _query_int(request, "from", 1) or 1
    wait = min(float(_query_int(request, "wait", 25) or 0), MAX_WAIT)
    deadline = time.monotonic() + wait
    while node.publisher.published < start and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    last = min(node.publisher.published, start + MAX_ROWS - 1)
    return JSONResponse({"heights": list(range(start, last + 1)), "published": node.publisher.published})


async def get_page(request: Request) -> Response:
    node: Node = request.app.state.node
    status = await status_of(node)
    rows = await asyncio.to_thread(batch_rows, node.directory, node.outroot, True, None, 50)
    return HTMLResponse(render_page(status, rows))


async def not_found(request: Request, exc: Exception) -> Response:
    return error(404, f"no such resource: {request.method} {request.url.path}")


async def method_not_allowed(request: Request, exc: Exception) -> Response:
    return error(405, f"{request.method} is not allowed on {request.url.path}")


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HttpError)
    return error(exc.status, exc.message, exc.rule)


def make_app(node: Node) -> Starlette:
    routes = [
        Route("/", get_page, methods=["GET"]),
        Route("/v1/ops", post_op, methods=["POST"]),
        Route("/v1/reports", post_report, methods=["POST"]),
        Route("/v1/deposits", post_deposits, methods=["POST"]),
        Route("/v1/status", get_status, methods=["GET"]),
        Route("/v1/accounts/{account}", get_account, methods=["GET"]),
        Route("/v1/batches", get_batches, methods=["GET"]),
        Route("/v1/batches/{height}/{name}", get_batch_file, methods=["GET"]),
        Route("/v1/feed", get_feed, methods=["GET"]),
    ]
    app = Starlette(routes=routes, exception_handlers={HttpError: http_error, 404: not_found,
                                                       405: method_not_allowed})
    app.state.node = node
    return app
